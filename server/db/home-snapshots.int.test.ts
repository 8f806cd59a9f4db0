import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS, useTestDatabase } from "./test-databases.test-support";

// Which learner has a kept home, against a real SQLite file and a real PostgreSQL database.
const snapshots = await import("./home-snapshots");
const learnerSession = await import("../auth/learner-session");
const { db } = await import("./client");

describe.each(TEST_DIALECTS)("home snapshot records on %s", (dialect) => {
  let release: () => Promise<void>;
  beforeAll(async () => {
    release = (await useTestDatabase(dialect)).release;
  });
  afterAll(() => release());

  it("keeps one record per learner, replaced by the next, found by age, marked failed, and gone with the learner", async () => {
    const ada = (await learnerSession.startLearnerSession("Ada")).learner.id;
    const old = new Date(Date.now() - 20 * 86_400_000);
    await snapshots.saveHomeSnapshot({ learnerId: ada, file: "a.tar.zst", kilobytes: 3_000_000, state: "kept", note: "", createdAt: old });
    expect(await snapshots.homeSnapshotsBefore(new Date(Date.now() - 14 * 86_400_000))).toMatchObject([{ learnerId: ada, kilobytes: 3_000_000 }]);
    const fresh = new Date();
    await snapshots.saveHomeSnapshot({ learnerId: ada, file: "b.tar.zst", kilobytes: 10, state: "files", note: "images not kept", createdAt: fresh });
    expect(await snapshots.homeSnapshotsBefore(new Date(Date.now() - 14 * 86_400_000))).toEqual([]);
    expect(await snapshots.findHomeSnapshot(ada)).toEqual({ learnerId: ada, file: "b.tar.zst", kilobytes: 10, state: "files", note: "images not kept", createdAt: fresh });
    await snapshots.markHomeSnapshotFailed(ada, "tar: broken");
    expect(await snapshots.findHomeSnapshot(ada)).toMatchObject({ state: "failed", note: "tar: broken" });
    expect(await snapshots.listHomeSnapshots()).toHaveLength(1);
    await db().learner.delete({ where: { id: ada } });
    expect(await snapshots.listHomeSnapshots()).toEqual([]);
    await snapshots.deleteHomeSnapshot(ada);
  });
});
