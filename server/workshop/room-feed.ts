import "server-only";
import { EventEmitter } from "node:events";
import { z } from "zod";
import { RECENT_RUNS, roomCheckRunSchema, roomSteps, type RoomEvent, type RoomLearner, type RoomSettings, type RoomSnapshot } from "@/lib/workshop/room";
import { getCourse } from "../content/course";
import { db } from "../db/client";
import { findWorkshop, type Workshop } from "../db/workshops";

/**
 * The instructor's side of the live room: facts about learners as the room view needs them, and a stream of
 * fresh facts per workshop whenever a learner's verdict, hints, solution or activity changes.
 *
 * Changes are noted as they happen (progress and terminal activity through the wiring in server/lab.ts, joins
 * and resets by their use cases) and collapsed for a short while, so a room of 200 learners running checks at every prompt costs a
 * few queries per batch, not per event, and a dashboard still sees a verdict well within 2 s.
 */
const BATCH_MS = 150;

const storedChecks = z.array(roomCheckRunSchema.shape.checks.element);

function parseChecks(json: string): RoomLearner["runs"][number]["checks"] {
  try {
    const parsed = storedChecks.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** One per lab runtime (server/lab.ts), shared by the custom server and the route handlers through it. */
export class RoomFeed {
  private readonly bus = new EventEmitter();
  /** Last sign of life per learner (terminal input), newer than what the database holds. */
  private readonly activity = new Map<string, number>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor() {
    // One listener per open dashboard tab.
    this.bus.setMaxListeners(0);
  }

  /** What the room needs to know about these members of the workshop (others are left out). */
  async learners(workshop: Pick<Workshop, "id" | "chapterIds">, learnerIds: string[] | "all"): Promise<RoomLearner[]> {
    const members = await db().workshopMembership.findMany({
      where: { workshopId: workshop.id, ...(learnerIds === "all" ? {} : { learnerId: { in: learnerIds } }) },
      select: {
        learnerId: true,
        joinedAt: true,
        learner: { select: { displayName: true, lastSeenAt: true, sandbox: { select: { lastActiveAt: true } } } },
      },
    });
    if (members.length === 0) return [];
    const ids = members.map((m) => m.learnerId);
    const chapterId = { in: workshop.chapterIds };
    const [progress, runs] = await Promise.all([
      db().stepProgress.findMany({ where: { learnerId: { in: ids }, chapterId } }),
      // Per learner, so each gets their own latest runs however busy the others are.
      Promise.all(
        ids.map((learnerId) =>
          db().checkRun.findMany({
            where: { learnerId, chapterId },
            orderBy: { id: "desc" },
            take: RECENT_RUNS,
            select: { chapterId: true, stepId: true, passed: true, results: true, createdAt: true },
          }),
        ),
      ),
    ]);
    return members.map((member, i) => ({
      learnerId: member.learnerId,
      displayName: member.learner.displayName,
      joinedAt: member.joinedAt.getTime(),
      activityAt: Math.max(
        this.activity.get(member.learnerId) ?? 0,
        member.learner.lastSeenAt.getTime(),
        member.learner.sandbox?.lastActiveAt.getTime() ?? 0,
      ),
      progress: progress
        .filter((p) => p.learnerId === member.learnerId)
        .map((p) => ({
          chapterId: p.chapterId,
          stepId: p.stepId,
          passed: p.passed,
          hintsOpened: p.hintsOpened,
          solutionRevealed: p.solutionRevealed,
          lastVerdict: p.lastVerdict,
          updatedAt: p.updatedAt.getTime(),
          completedAt: p.completedAt?.getTime() ?? null,
        })),
      runs: runs[i].map((r) => ({ chapterId: r.chapterId, stepId: r.stepId, passed: r.passed, checks: parseChecks(r.results), at: r.createdAt.getTime() })),
    }));
  }

  /** The whole room, for a dashboard's first load and for the CSV export. */
  async snapshot(workshop: Pick<Workshop, "id" | "chapterIds">, settings: RoomSettings): Promise<RoomSnapshot> {
    const course = await getCourse();
    // The workshop's chapters in the order the workshop lists them; a chapter since removed from the course drops out.
    const chapters = workshop.chapterIds.flatMap((id) => course.chapters.filter((c) => c.id === id));
    return {
      workshopId: workshop.id,
      steps: roomSteps(chapters),
      learners: await this.learners(workshop, "all"),
      settings,
      now: Date.now(),
    };
  }

  /** Follows one workshop's room: `listener` gets each batch of fresh facts. Returns the unsubscribe function. */
  subscribe(workshopId: string, listener: (event: RoomEvent) => void): () => void {
    this.bus.on(workshopId, listener);
    return () => this.bus.off(workshopId, listener);
  }

  /**
   * A learner's verdict, hints, solution or membership changed: dashboards of their workshops hear of it.
   * Cheap when nobody watches (no query at all).
   */
  noteLearnerChanged(learnerId: string): void {
    if (this.bus.eventNames().length === 0) return;
    this.pending.add(learnerId);
    this.timer ??= setTimeout(() => void this.flush().catch((error) => console.error("room feed update failed:", error)), BATCH_MS);
  }

  /** The learner typed in their terminal (reported at most every 30 s per learner by the terminal hub). */
  noteLearnerActivity(learnerId: string): void {
    this.activity.set(learnerId, Date.now());
    this.noteLearnerChanged(learnerId);
  }

  private async flush(): Promise<void> {
    this.timer = null;
    const ids = [...this.pending];
    this.pending.clear();
    const watched = new Set(this.bus.eventNames().map(String));
    if (ids.length === 0 || watched.size === 0) return;
    const memberships = await db().workshopMembership.findMany({
      where: { learnerId: { in: ids }, workshopId: { in: [...watched] } },
      select: { learnerId: true, workshopId: true },
    });
    const byWorkshop = new Map<string, string[]>();
    for (const m of memberships) byWorkshop.set(m.workshopId, [...(byWorkshop.get(m.workshopId) ?? []), m.learnerId]);
    await Promise.all(
      [...byWorkshop].map(async ([workshopId, learnerIds]) => {
        const workshop = await findWorkshop(workshopId);
        if (!workshop) return;
        const learners = await this.learners(workshop, learnerIds);
        this.bus.emit(workshopId, { type: "learners", learners, now: Date.now() } satisfies RoomEvent);
      }),
    );
  }
}
