import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS, useTestDatabase } from "./test-databases.test-support";

// Drill attempts and the leaderboard, against a real SQLite file and a real PostgreSQL database.
const attempts = await import("./drill-attempts");
const learnerSession = await import("../auth/learner-session");

describe.each(TEST_DIALECTS)("drill attempts on %s", (dialect) => {
  let release: () => Promise<void>;
  beforeAll(async () => {
    release = (await useTestDatabase(dialect)).release;
  });
  afterAll(() => release());

  const learner = async (name: string) => (await learnerSession.startLearnerSession(name)).learner.id;

  it("runs an attempt: hints up to the count, one finish however many passing checks", async () => {
    const id = await learner("Ada");
    const started = new Date(Date.now() - 60_000);
    const attempt = await attempts.createDrillAttempt({ learnerId: id, drillId: "arg-scope", seed: 42, workshopId: null }, started);
    expect(await attempts.latestDrillAttempt(id, "arg-scope")).toMatchObject({ id: attempt.id, seed: 42, passed: false, finishedAt: null });
    for (let i = 0; i < 4; i++) await attempts.recordDrillHint(attempt.id, 3);
    expect((await attempts.findDrillAttempt(attempt.id, id))?.hintsOpened).toBe(3);

    expect(await attempts.recordDrillCheck(attempt.id, null)).toMatchObject({ checkRuns: 1, passed: false });
    const at = new Date();
    const [a, b] = await Promise.all([
      attempts.recordDrillCheck(attempt.id, { score: 800, timeMs: 60_000, at }),
      attempts.recordDrillCheck(attempt.id, { score: 700, timeMs: 61_000, at: new Date(at.getTime() + 1000) }),
    ]);
    expect(b.checkRuns).toBe(3);
    for (const finished of [a, b]) expect(finished).toMatchObject({ passed: true, score: finished.score });
    const final = await attempts.findDrillAttempt(attempt.id, id);
    expect([800, 700]).toContain(final?.score);
    expect(final?.finishedAt).not.toBeNull();
    // A finished attempt takes no more hints and cannot be given up.
    expect((await attempts.recordDrillHint(attempt.id, 5)).hintsOpened).toBe(3);
    expect((await attempts.giveUpDrillAttempt(attempt.id)).gaveUp).toBe(false);
  });

  it("keeps attempts private to their learner", async () => {
    const [ann, bob] = await Promise.all([learner("Ann"), learner("Bob")]);
    const attempt = await attempts.createDrillAttempt({ learnerId: ann, drillId: "arg-scope", seed: 1, workshopId: null });
    expect(await attempts.findDrillAttempt(attempt.id, bob)).toBeNull();
  });

  it("gives up with no score", async () => {
    const id = await learner("Quitter");
    const attempt = await attempts.createDrillAttempt({ learnerId: id, drillId: "cache-order", seed: 3, workshopId: null });
    expect(await attempts.giveUpDrillAttempt(attempt.id)).toMatchObject({ gaveUp: true, passed: false, score: 0 });
    expect(await attempts.recordDrillCheck(attempt.id, { score: 900, timeMs: 1, at: new Date() })).toMatchObject({ passed: false, score: 0 });
  });

  it("ranks the best score per learner per drill, scoped to a workshop when asked", async () => {
    const [cy, dee] = await Promise.all([learner("Cy"), learner("Dee")]);
    const pass = async (learnerId: string, score: number, timeMs: number, workshopId: string | null) => {
      const a = await attempts.createDrillAttempt({ learnerId, drillId: "board-drill", seed: 9, workshopId });
      await attempts.recordDrillCheck(a.id, { score, timeMs, at: new Date() });
    };
    await pass(cy, 500, 90_000, "room-1");
    await pass(cy, 900, 70_000, null);
    await pass(dee, 700, 80_000, "room-1");
    await attempts.createDrillAttempt({ learnerId: dee, drillId: "board-drill", seed: 9, workshopId: "room-1" }); // unfinished: not counted

    const everyone = await attempts.drillLeaderboard({ drillId: "board-drill" });
    expect(everyone.map((r) => [r.displayName, r.score, r.timeMs])).toEqual([
      ["Cy", 900, 70_000],
      ["Dee", 700, 80_000],
    ]);
    const room = await attempts.drillLeaderboard({ drillId: "board-drill", workshopId: "room-1" });
    expect(room.map((r) => [r.displayName, r.score])).toEqual([
      ["Dee", 700],
      ["Cy", 500],
    ]);
    expect((await attempts.bestDrillScores(cy)).get("board-drill")).toBe(900);
  });

  it("hides a room's board until the instructor shows it", async () => {
    expect(await attempts.isDrillBoardVisible("room-2")).toBe(false);
    await attempts.setDrillBoardVisible("room-2", true);
    expect(await attempts.isDrillBoardVisible("room-2")).toBe(true);
    await attempts.setDrillBoardVisible("room-2", false);
    expect(await attempts.isDrillBoardVisible("room-2")).toBe(false);
  });
});
