import { z } from "zod";
import { checkResultViewSchema } from "../check-result-view";

/**
 * The live room view of a workshop, as pure data: who is where, who is stuck and on what, who used hints.
 * The server hands over the raw facts (members, progress, recent check runs, activity); the dashboard and the
 * CSV export both compute from them here, so the browser can recompute after each small update.
 * Times are epoch milliseconds: they cross the wire as they are.
 */

export const roomStepSchema = z.object({
  chapterId: z.string(),
  stepId: z.string(),
  /** "3", or "2.3" when the workshop spans several chapters: what the instructor says out loud. */
  label: z.string(),
  title: z.string(),
  /** The step's chapter as the room groups its columns (the chapter's title). */
  chapterTitle: z.string(),
});

export const roomProgressSchema = z.object({
  chapterId: z.string(),
  stepId: z.string(),
  passed: z.boolean(),
  hintsOpened: z.number().int().min(0),
  solutionRevealed: z.boolean(),
  lastVerdict: z.string().nullable(),
  updatedAt: z.number(),
  completedAt: z.number().nullable(),
});

export const roomCheckRunSchema = z.object({
  chapterId: z.string(),
  stepId: z.string(),
  passed: z.boolean(),
  checks: z.array(checkResultViewSchema),
  at: z.number(),
});

/** Everything known about one learner in the room. `runs` are their most recent check runs, newest first. */
export const roomLearnerSchema = z.object({
  learnerId: z.string(),
  displayName: z.string(),
  joinedAt: z.number(),
  /** Last sign of life outside progress and checks (terminal input, page visits), when known. */
  activityAt: z.number().nullable(),
  progress: z.array(roomProgressSchema),
  runs: z.array(roomCheckRunSchema),
});

/** The room keeps this many of each learner's latest check runs: the most a repeated failure can ask for. */
export const RECENT_RUNS = 10;

export const roomSettingsSchema = z.object({
  /** No step passed for this long: stuck. */
  stuckAfterMinutes: z.number().positive().max(24 * 60),
  /** The same check failed this many runs in a row: stuck. */
  repeatedFailures: z.number().int().min(2).max(RECENT_RUNS),
});

export const roomSnapshotSchema = z.object({
  workshopId: z.string(),
  steps: z.array(roomStepSchema),
  learners: z.array(roomLearnerSchema),
  settings: roomSettingsSchema,
  /** Server time at the snapshot, so "idle for 12 min" does not depend on the browser's clock. */
  now: z.number(),
});

export type RoomStep = z.infer<typeof roomStepSchema>;
export type RoomProgress = z.infer<typeof roomProgressSchema>;
export type RoomCheckRun = z.infer<typeof roomCheckRunSchema>;
export type RoomLearner = z.infer<typeof roomLearnerSchema>;
export type RoomSettings = z.infer<typeof roomSettingsSchema>;
export type RoomSnapshot = z.infer<typeof roomSnapshotSchema>;

export const DEFAULT_ROOM_SETTINGS: RoomSettings = { stuckAfterMinutes: 10, repeatedFailures: 3 };

/** What a dashboard's event stream carries: fresh facts about some learners (new members among them). */
export const roomEventSchema = z.object({ type: z.literal("learners"), learners: z.array(roomLearnerSchema), now: z.number() });
export type RoomEvent = z.infer<typeof roomEventSchema>;

export type CellStatus = "passed" | "failing" | "not-started";

export interface RoomCell {
  step: RoomStep;
  status: CellStatus;
  /** For the tooltip: the failed checks of the latest run on this step, or the stored verdict. */
  detail: string;
  hintsOpened: number;
  solutionRevealed: boolean;
}

export interface FailingCheck {
  step: RoomStep;
  checkId: string;
  checkTitle: string;
  message: string;
}

export type StuckReason = { kind: "idle"; minutes: number } | { kind: "repeated"; times: number; check: FailingCheck };

export interface RoomRow {
  learnerId: string;
  displayName: string;
  cells: RoomCell[];
  passed: number;
  finished: boolean;
  /** The check the learner is failing right now: the first failed check of their latest run, on a step not yet passed. */
  failing: FailingCheck | null;
  stuck: StuckReason | null;
  hintsOpened: number;
  solutionsRevealed: number;
  lastActivityAt: number;
}

export interface RoomGroup {
  step: RoomStep;
  checkId: string;
  checkTitle: string;
  /** The message most of the group sees (messages differ in details such as sizes). */
  message: string;
  learnerIds: string[];
  /**
   * "9 failing step 3: Layer sizes: layer 2 still holds 180 MB", with "(2 stuck)" when some of them are: failing a
   * check is not being stuck (that takes N idle minutes or K failures in a row), and the header counts the stuck.
   */
  text: string;
}

export interface RoomView {
  rows: RoomRow[];
  groups: RoomGroup[];
}

const stepKey = (chapterId: string, stepId: string) => `${chapterId}/${stepId}`;

/** Step labels for the workshop's chapters in order: "1", "2" … within one chapter, "2.3" across several. */
export function roomSteps(chapters: { id: string; title?: string; steps: { id: string; title: string }[] }[]): RoomStep[] {
  return chapters.flatMap((chapter, c) =>
    chapter.steps.map((step, s) => ({
      chapterId: chapter.id,
      stepId: step.id,
      label: chapters.length === 1 ? String(s + 1) : `${c + 1}.${s + 1}`,
      title: step.title,
      chapterTitle: chapter.title ?? chapter.id,
    })),
  );
}

function failedChecks(run: RoomCheckRun): RoomCheckRun["checks"] {
  return run.checks.filter((check) => check.status === "failed");
}

/**
 * The run the lab makes by itself when the learner's shell first comes to a prompt (checks run at every prompt,
 * for the step in view): it judges a sandbox the learner has not touched, so it says nothing about them. It is the
 * learner's oldest run while the room still sees their whole history (fewer than RECENT_RUNS runs), provided
 * nothing else shows work before it: no progress on another step, no hint or solution opened. Every later run
 * follows something the learner did (a command, a save, "Check now").
 */
function openingRun(learner: RoomLearner): RoomCheckRun | null {
  const oldest = learner.runs.at(-1);
  if (!oldest || learner.runs.length >= RECENT_RUNS) return null;
  const workedBefore = learner.progress.some(
    (p) => (p.chapterId !== oldest.chapterId || p.stepId !== oldest.stepId) || p.hintsOpened > 0 || p.solutionRevealed,
  );
  return workedBefore ? null : oldest;
}

function describeCell(progress: RoomProgress | undefined, latestRun: RoomCheckRun | undefined, opening: RoomCheckRun | null): { status: CellStatus; detail: string } {
  if (progress?.passed) return { status: "passed", detail: "Passed" };
  // Only the lab's own first look at this step: the learner has not worked on it yet.
  if (latestRun && latestRun === opening) return { status: "not-started", detail: "Not started (opened, not tried yet)" };
  if (latestRun && !latestRun.passed) {
    const failed = failedChecks(latestRun);
    return { status: "failing", detail: failed.length ? failed.map((c) => `${c.title}: ${c.message}`).join("\n") : (progress?.lastVerdict ?? "Failing") };
  }
  if (progress?.lastVerdict) return { status: "failing", detail: progress.lastVerdict };
  return { status: "not-started", detail: "Not started" };
}

function currentFailure(learner: RoomLearner, steps: Map<string, RoomStep>, passed: Set<string>, opening: RoomCheckRun | null): FailingCheck | null {
  const latest = learner.runs[0];
  if (!latest || latest.passed || latest === opening) return null;
  const key = stepKey(latest.chapterId, latest.stepId);
  const step = steps.get(key);
  if (!step || passed.has(key)) return null;
  const check = failedChecks(latest)[0];
  if (!check) return null;
  return { step, checkId: check.id, checkTitle: check.title, message: check.message };
}

/** How many of the latest runs in a row failed on the same step and check as the newest one. */
function failureStreak(runs: RoomCheckRun[], failing: FailingCheck, opening: RoomCheckRun | null): number {
  let streak = 0;
  for (const run of runs) {
    // The lab's own first run is no failure of the learner's.
    if (run === opening) break;
    const sameStep = run.chapterId === failing.step.chapterId && run.stepId === failing.step.stepId;
    if (!sameStep || run.passed || failedChecks(run)[0]?.id !== failing.checkId) break;
    streak++;
  }
  return streak;
}

export function roomRow(learner: RoomLearner, steps: RoomStep[], settings: RoomSettings, now: number): RoomRow {
  const progressByStep = new Map(learner.progress.map((p) => [stepKey(p.chapterId, p.stepId), p]));
  const opening = openingRun(learner);
  const latestRunByStep = new Map<string, RoomCheckRun>();
  for (const run of learner.runs) {
    const key = stepKey(run.chapterId, run.stepId);
    if (!latestRunByStep.has(key)) latestRunByStep.set(key, run);
  }
  const cells: RoomCell[] = steps.map((step) => {
    const key = stepKey(step.chapterId, step.stepId);
    const progress = progressByStep.get(key);
    return {
      step,
      ...describeCell(progress, latestRunByStep.get(key), opening),
      hintsOpened: progress?.hintsOpened ?? 0,
      solutionRevealed: progress?.solutionRevealed ?? false,
    };
  });
  const passedKeys = new Set(cells.filter((c) => c.status === "passed").map((c) => stepKey(c.step.chapterId, c.step.stepId)));
  const finished = steps.length > 0 && passedKeys.size === steps.length;
  const failing = currentFailure(learner, new Map(steps.map((s) => [stepKey(s.chapterId, s.stepId), s])), passedKeys, opening);

  const lastProgressAt = Math.max(learner.joinedAt, ...learner.progress.filter((p) => p.passed).map((p) => p.completedAt ?? p.updatedAt));
  const lastActivityAt = Math.max(
    learner.joinedAt,
    learner.activityAt ?? 0,
    ...learner.progress.map((p) => p.updatedAt),
    ...learner.runs.map((r) => r.at),
  );

  let stuck: StuckReason | null = null;
  const streak = failing ? failureStreak(learner.runs, failing, opening) : 0;
  if (failing && streak >= settings.repeatedFailures) stuck = { kind: "repeated", times: streak, check: failing };
  else if (!finished && now - lastProgressAt >= settings.stuckAfterMinutes * 60_000) {
    stuck = { kind: "idle", minutes: Math.floor((now - lastProgressAt) / 60_000) };
  }

  return {
    learnerId: learner.learnerId,
    displayName: learner.displayName,
    cells,
    passed: passedKeys.size,
    finished,
    failing,
    stuck,
    hintsOpened: cells.reduce((sum, c) => sum + c.hintsOpened, 0),
    solutionsRevealed: cells.filter((c) => c.solutionRevealed).length,
    lastActivityAt,
  };
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

/** Learners grouped by the check they are failing, biggest group first (then by step order). */
export function roomGroups(rows: RoomRow[], steps: RoomStep[]): RoomGroup[] {
  const order = new Map(steps.map((s, i) => [stepKey(s.chapterId, s.stepId), i]));
  const groups = new Map<string, { failing: FailingCheck; rows: RoomRow[] }>();
  for (const row of rows) {
    if (!row.failing) continue;
    const key = `${stepKey(row.failing.step.chapterId, row.failing.step.stepId)}#${row.failing.checkId}`;
    const group = groups.get(key) ?? { failing: row.failing, rows: [] };
    group.rows.push(row);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ failing, rows: members }) => {
      const message = mostCommon(members.map((r) => r.failing!.message));
      const stuck = members.filter((r) => r.stuck).length;
      return {
        step: failing.step,
        checkId: failing.checkId,
        checkTitle: failing.checkTitle,
        message,
        learnerIds: members.map((r) => r.learnerId),
        text: `${members.length} failing step ${failing.step.label}${stuck ? ` (${stuck} stuck)` : ""}: ${failing.checkTitle}: ${message}`,
      };
    })
    .sort(
      (a, b) =>
        b.learnerIds.length - a.learnerIds.length ||
        (order.get(stepKey(a.step.chapterId, a.step.stepId)) ?? 0) - (order.get(stepKey(b.step.chapterId, b.step.stepId)) ?? 0),
    );
}

export function roomView(snapshot: RoomSnapshot): RoomView {
  const rows = snapshot.learners
    .map((learner) => roomRow(learner, snapshot.steps, snapshot.settings, snapshot.now))
    // "Learner 2" before "Learner 10", as people count.
    .sort((a, b) => a.displayName.localeCompare(b.displayName, undefined, { numeric: true }) || a.learnerId.localeCompare(b.learnerId));
  return { rows, groups: roomGroups(rows, snapshot.steps) };
}

/** Replaces (or adds) learners in a snapshot with fresher facts about them. */
export function mergeLearners(snapshot: RoomSnapshot, learners: RoomLearner[], now: number): RoomSnapshot {
  const fresh = new Map(learners.map((l) => [l.learnerId, l]));
  const kept = snapshot.learners.filter((l) => !fresh.has(l.learnerId));
  return { ...snapshot, learners: [...kept, ...fresh.values()], now };
}

export function describeStuck(stuck: StuckReason): string {
  return stuck.kind === "idle"
    ? `No step passed for ${stuck.minutes} min`
    : `Failed "${stuck.check.checkTitle}" on step ${stuck.check.step.label} ${stuck.times} times in a row`;
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. A field that a
 * spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe: display names are the
 * learners' own text.
 */
export function csvField(value: string | number | boolean | null): string {
  let text = value === null ? "" : String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CELL_TEXT: Record<CellStatus, string> = { passed: "passed", failing: "failing", "not-started": "not started" };

/** The room's results, one row per learner, one column per step, CRLF line ends as RFC 4180 says. */
export function roomCsv(snapshot: RoomSnapshot): string {
  const { rows } = roomView(snapshot);
  const iso = (ms: number) => new Date(ms).toISOString();
  const header = [
    "learner",
    "steps passed",
    "steps total",
    "hints opened",
    "solutions revealed",
    "stuck",
    "failing check",
    "last activity (UTC)",
    ...snapshot.steps.map((s) => `step ${s.label}: ${s.title}`),
  ];
  const lines = rows.map((row) => [
    row.displayName,
    row.passed,
    snapshot.steps.length,
    row.hintsOpened,
    row.solutionsRevealed,
    row.stuck ? describeStuck(row.stuck) : "",
    row.failing ? `step ${row.failing.step.label}: ${row.failing.checkTitle}: ${row.failing.message}` : "",
    iso(row.lastActivityAt),
    ...row.cells.map((c) => CELL_TEXT[c.status]),
  ]);
  return [header, ...lines].map((fields) => fields.map(csvField).join(",")).join("\r\n") + "\r\n";
}
