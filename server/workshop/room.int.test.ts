import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoomEvent } from "@/lib/workshop/room";

// A real SQLite database, migrated the way the server migrates it.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layerlab-room-"));
process.env.DATABASE_URL = `file:${path.join(dir, "test.db")}`;

const { applyMigrations } = await import("../db/migrate");
const { db } = await import("../db/client");
const { recordHintOpened, recordStepVerdict } = await import("../progress/step-progress");
const feed = await import("./room-feed");
const { instructorMayWatch } = await import("./watch-access");
const { startInstructorSession, INSTRUCTOR_COOKIE } = await import("../auth/instructor-session");

const settings = { stuckAfterMinutes: 10, repeatedFailures: 3 };
let workshopId = "";
const learners: string[] = [];

async function addLearner(name: string, workshop: string): Promise<string> {
  const id = randomUUID();
  await db().learner.create({ data: { id, displayName: name } });
  await db().workshopMembership.create({ data: { workshopId: workshop, learnerId: id } });
  return id;
}

async function addWorkshop(ownerId: string, title: string): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  await db().workshop.create({
    data: {
      id,
      title,
      chapterIds: JSON.stringify(["layers"]),
      startsAt: new Date(now),
      endsAt: new Date(now + 3600_000),
      capacity: 10,
      joinCode: id.slice(0, 6).toUpperCase(),
      ownerId,
    },
  });
  return id;
}

function nextEvent(workshop: string, timeoutMs: number): Promise<RoomEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (stop(), reject(new Error(`no room event within ${timeoutMs} ms`))), timeoutMs);
    const stop = feed.subscribeRoom(workshop, (event) => {
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}

beforeAll(async () => {
  applyMigrations(path.join(dir, "test.db"));
  await db().instructor.create({ data: { id: "inst", username: "inst", displayName: "Inst", role: "admin", passwordHash: "x" } });
  await db().instructor.create({ data: { id: "other", username: "other", displayName: "Other", role: "instructor", passwordHash: "x" } });
  workshopId = await addWorkshop("inst", "Room");
  learners.push(await addLearner("Ada", workshopId), await addLearner("Bob", workshopId));
});
afterAll(async () => {
  await db().$disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("room feed", () => {
  it("the snapshot lists the workshop's members and steps", async () => {
    const snapshot = await feed.roomSnapshot({ id: workshopId, chapterIds: ["layers"] }, settings);
    expect(snapshot.learners.map((l) => l.displayName).sort()).toEqual(["Ada", "Bob"]);
    expect(snapshot.steps.map((s) => `${s.label} ${s.stepId}`)).toEqual(["1 fat", "2 slim", "3 chmod"]);
  });

  it("a verdict reaches the dashboard of the learner's workshop within 2 s, with the run's failing check", async () => {
    const [ada] = learners;
    const event = nextEvent(workshopId, 2000);
    const started = Date.now();
    await db().checkRun.create({
      data: {
        learnerId: ada,
        chapterId: "layers",
        stepId: "fat",
        passed: false,
        trigger: "prompt",
        durationMs: 10,
        results: JSON.stringify([{ id: "size", title: "Layer sizes", status: "failed", message: "layer 2 still holds 180 MB", details: "…" }]),
      },
    });
    await recordStepVerdict(ada, "layers", "fat", { passed: false, summary: "1 check fails." });
    const got = await event;
    expect(Date.now() - started).toBeLessThan(2000);
    expect(got.learners).toHaveLength(1);
    expect(got.learners[0]).toMatchObject({ learnerId: ada, displayName: "Ada" });
    expect(got.learners[0].runs[0].checks[0]).toEqual({ id: "size", title: "Layer sizes", status: "failed", message: "layer 2 still holds 180 MB" });
  });

  it("hint use is published too, and a burst of changes collapses into one event", async () => {
    const [ada, bob] = learners;
    const event = nextEvent(workshopId, 2000);
    await recordHintOpened(ada, "layers", "fat", 1);
    await recordHintOpened(bob, "layers", "fat", 2);
    const got = await event;
    expect(got.learners.map((l) => l.learnerId).sort()).toEqual([ada, bob].sort());
    expect(got.learners.find((l) => l.learnerId === bob)!.progress[0].hintsOpened).toBe(2);
  });

  it("another workshop's dashboard hears nothing of this room's learners", async () => {
    const other = await addWorkshop("inst", "Other room");
    const heard: RoomEvent[] = [];
    const stop = feed.subscribeRoom(other, (e) => heard.push(e));
    const mine = nextEvent(workshopId, 2000);
    await recordHintOpened(learners[0], "layers", "slim", 1);
    await mine;
    stop();
    expect(heard).toEqual([]);
  });
});

describe("watching a learner's terminal", () => {
  const cookieOf = async (instructorId: string) => `${INSTRUCTOR_COOKIE}=${(await startInstructorSession(instructorId)).token}`;

  it("is allowed to the workshop's owner for its learners, and audited", async () => {
    const query = { workshop: workshopId, learner: learners[1] };
    expect(await instructorMayWatch(await cookieOf("inst"), query)).toBe(true);
    const trail = await db().auditEvent.findMany({ where: { workshopId, action: "learner.watch-terminal" } });
    expect(trail.map((e) => JSON.parse(e.detail))).toContainEqual({ learnerId: learners[1] });
  });

  it("is refused to another instructor, for a learner of another room, and without a session", async () => {
    expect(await instructorMayWatch(await cookieOf("other"), { workshop: workshopId, learner: learners[0] })).toBe(false);
    const otherRoom = await addWorkshop("inst", "Elsewhere");
    const stranger = await addLearner("Eve", otherRoom);
    expect(await instructorMayWatch(await cookieOf("inst"), { workshop: workshopId, learner: stranger })).toBe(false);
    expect(await instructorMayWatch(undefined, { workshop: workshopId, learner: learners[0] })).toBe(false);
    expect(await instructorMayWatch(`${INSTRUCTOR_COOKIE}=forged`, { workshop: workshopId, learner: learners[0] })).toBe(false);
  });
});
