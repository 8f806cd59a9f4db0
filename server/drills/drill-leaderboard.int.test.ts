import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../db/test-databases.test-support";

// Which board a learner sees, against a real (SQLite) database with a real workshop.
const { announceDrillScore, leaderboardFor } = await import("./drill-leaderboard");
const { LearnerEventBus } = await import("../events/learner-event-bus");
const attempts = await import("../db/drill-attempts");
const workshops = await import("../db/workshops");
const instructors = await import("../db/instructors");
const learnerSession = await import("../auth/learner-session");

const HOUR = 3600_000;

describe("the drill leaderboard a learner sees", () => {
  let release: () => Promise<void>;
  beforeAll(async () => {
    release = (await useTestDatabase("sqlite")).release;
  });
  afterAll(() => release());

  it("is everyone's outside a room and for drills the room does not play; the room's own for its drills, only while shown", async () => {
    const learner = async (name: string) => (await learnerSession.startLearnerSession(name)).learner.id;
    const [inRoom, outside] = await Promise.all([learner("Roomie"), learner("Solo")]);
    const owner = await instructors.createInstructor({ username: "teach", displayName: "Teach", passwordHash: "x" });
    const room = await workshops.createWorkshop({ title: "Drills", chapterIds: [], drillIds: ["arg-scope"], startsAt: new Date(Date.now() - HOUR), endsAt: new Date(Date.now() + HOUR), capacity: 5, ownerId: owner.id });
    expect(await workshops.addMember(room, inRoom)).toBe("joined");
    const pass = async (learnerId: string, score: number, workshopId: string | null, drillId = "arg-scope") => {
      const a = await attempts.createDrillAttempt({ learnerId, drillId, seed: 5, workshopId });
      await attempts.recordDrillCheck(a.id, { score, timeMs: 1000, at: new Date() });
    };
    await pass(inRoom, 800, room.id);
    await pass(outside, 900, null);
    await pass(inRoom, 700, room.id, "run-typo");
    await pass(outside, 600, null, "run-typo");

    expect(await leaderboardFor(outside, "arg-scope")).toEqual({
      scope: "everyone",
      rows: [
        { displayName: "Solo", drillId: "arg-scope", score: 900, timeMs: 1000, you: true },
        { displayName: "Roomie", drillId: "arg-scope", score: 800, timeMs: 1000, you: false },
      ],
    });
    expect(await leaderboardFor(inRoom, "arg-scope")).toEqual({ scope: "hidden", rows: [] });
    await attempts.setDrillBoardVisible(room.id, true);
    expect(await leaderboardFor(inRoom, "arg-scope")).toEqual({ scope: "room", rows: [{ displayName: "Roomie", drillId: "arg-scope", score: 800, timeMs: 1000, you: true }] });
    // A drill outside the room's race: everyone's board, shown or not.
    expect((await leaderboardFor(inRoom, "run-typo")).scope).toBe("everyone");
    expect((await leaderboardFor(inRoom, "run-typo")).rows.map((r) => r.displayName)).toEqual(["Roomie", "Solo"]);
  });

  it("tells the room's open pages when a score lands in its race, and no one for a drill outside it", async () => {
    const learner = (await learnerSession.startLearnerSession("Racer")).learner.id;
    const owner = await instructors.createInstructor({ username: "teach2", displayName: "Teach", passwordHash: "x" });
    const room = await workshops.createWorkshop({ title: "Race", chapterIds: [], drillIds: ["arg-scope"], startsAt: new Date(Date.now() - HOUR), endsAt: new Date(Date.now() + HOUR), capacity: 5, ownerId: owner.id });
    expect(await workshops.addMember(room, learner)).toBe("joined");
    const seen: unknown[] = [];
    const events = new LearnerEventBus();
    const stop = events.subscribe(learner, (event) => seen.push(event));
    try {
      await announceDrillScore(events, { drillId: "run-typo", workshopId: room.id });
      await announceDrillScore(events, { drillId: "arg-scope", workshopId: null });
      expect(seen).toEqual([]);
      await announceDrillScore(events, { drillId: "arg-scope", workshopId: room.id });
      expect(seen).toEqual([{ type: "room", change: "drills" }]);
    } finally {
      stop();
    }
  });
});
