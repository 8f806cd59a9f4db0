import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../db/test-databases.test-support";

// Which board a learner sees, against a real (SQLite) database with a real workshop.
const { leaderboardFor } = await import("./drill-leaderboard");
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

  it("is everyone's outside a room, and the room's own inside one, only while the instructor shows it", async () => {
    const learner = async (name: string) => (await learnerSession.startLearnerSession(name)).learner.id;
    const [inRoom, outside] = await Promise.all([learner("Roomie"), learner("Solo")]);
    const owner = await instructors.createInstructor({ username: "teach", displayName: "Teach", passwordHash: "x" });
    const room = await workshops.createWorkshop({ title: "Drills", chapterIds: [], startsAt: new Date(Date.now() - HOUR), endsAt: new Date(Date.now() + HOUR), capacity: 5, ownerId: owner.id });
    expect(await workshops.addMember(room, inRoom)).toBe("joined");
    const pass = async (learnerId: string, score: number, workshopId: string | null) => {
      const a = await attempts.createDrillAttempt({ learnerId, drillId: "arg-scope", seed: 5, workshopId });
      await attempts.recordDrillCheck(a.id, { score, timeMs: 1000, at: new Date() });
    };
    await pass(inRoom, 800, room.id);
    await pass(outside, 900, null);

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
  });
});
