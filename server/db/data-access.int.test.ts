import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_DIALECTS, useTestDatabase } from "./test-databases.test-support";

// Every data-access function, against a real SQLite file and a real PostgreSQL database, migrated the
// way the server migrates them.
const { migrateDatabase, migrationNames, migrationsDir } = await import("./migrate");
const { db } = await import("./client");
const instructors = await import("./instructors");
const workshops = await import("./workshops");
const messages = await import("./workshop-messages");
const audit = await import("./audit");
const instructorSession = await import("../auth/instructor-session");
const learnerSession = await import("../auth/learner-session");
const progress = await import("../progress/step-progress");
const { createDatabaseSandboxStore } = await import("./sandbox-assignments");

const HOUR = 3600_000;

describe.each(TEST_DIALECTS)("data access on %s", (dialect) => {
  let release: () => Promise<void>;
  let url: string;
  beforeAll(async () => {
    const handle = await useTestDatabase(dialect);
    release = handle.release;
    url = handle.database.url;
  });
  afterAll(() => release());

  async function instructor(username: string) {
    return instructors.createInstructor({ username, displayName: username, passwordHash: "x" });
  }
  async function workshopOf(ownerId: string, overrides: Partial<{ capacity: number; endsAt: Date }> = {}) {
    return workshops.createWorkshop({
      title: "Images 101",
      chapterIds: ["layers", "cache"],
      drillIds: ["arg-scope"],
      startsAt: new Date(Date.now() - HOUR),
      endsAt: overrides.endsAt ?? new Date(Date.now() + HOUR),
      capacity: overrides.capacity ?? 30,
      ownerId,
    });
  }

  it("applies every migration once", async () => {
    expect(await migrateDatabase(url)).toEqual([]);
    const applied = await db().$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM "_layerlab_migrations" ORDER BY name`);
    expect(applied.map((m) => m.name)).toEqual(migrationNames(migrationsDir(dialect)));
  });

  it("creates the administrator once, even when two set-ups race", async () => {
    expect(await instructors.adminExists()).toBe(false);
    const attempts = await Promise.allSettled([
      instructors.createAdministrator({ username: "root1", displayName: "A", passwordHash: "x" }),
      instructors.createAdministrator({ username: "root2", displayName: "B", passwordHash: "x" }),
    ]);
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(1);
    const refused = attempts.find((a) => a.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(instructors.AdminExistsError);
    expect(await instructors.adminExists()).toBe(true);
    await expect(instructors.createAdministrator({ username: "root3", displayName: "C", passwordHash: "x" })).rejects.toBeInstanceOf(
      instructors.AdminExistsError,
    );
  });

  it("refuses a taken username", async () => {
    await instructor("grace");
    await expect(instructor("grace")).rejects.toBeInstanceOf(instructors.UsernameTakenError);
    expect((await instructors.findInstructorCredentials("grace"))?.passwordHash).toBe("x");
    expect(await instructors.findInstructorCredentials("nobody")).toBeNull();
  });

  it("instructor sessions find their instructor until they expire or end", async () => {
    const alice = await instructor("alice");
    const { token } = await instructorSession.startInstructorSession(alice.id);
    expect(await instructorSession.instructorFromToken(token)).toMatchObject({ id: alice.id, role: "instructor" });
    expect(await instructorSession.instructorFromToken(token + "x")).toBeNull();
    await db().instructorSession.updateMany({ where: { instructorId: alice.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await instructorSession.instructorFromToken(token)).toBeNull();
    const second = await instructorSession.startInstructorSession(alice.id);
    // Starting a session sweeps the instructor's expired ones.
    expect(await db().instructorSession.count({ where: { instructorId: alice.id } })).toBe(1);
    await instructorSession.endInstructorSession(second.token);
    expect(await instructorSession.instructorFromToken(second.token)).toBeNull();
  });

  it("workshops: a unique code, found by code, listed only for their owner", async () => {
    const owner = await instructor("owner1");
    const other = await instructor("other1");
    const a = await workshopOf(owner.id);
    const b = await workshopOf(owner.id);
    expect(a.joinCode).not.toBe(b.joinCode);
    expect(a.chapterIds).toEqual(["layers", "cache"]);
    expect(a.drillIds).toEqual(["arg-scope"]);
    expect(a.lockedChapterIds).toEqual([]);
    expect((await workshops.findWorkshopByCode(a.joinCode))?.id).toBe(a.id);
    expect(await workshops.findWorkshopByCode("ZZZZZZ")).toBeNull();
    expect((await workshops.listWorkshopsOf(owner.id)).map((w) => w.id).sort()).toEqual([a.id, b.id].sort());
    expect(await workshops.listWorkshopsOf(other.id)).toEqual([]);
  });

  it("joins: capacity holds under a rush, and joining again keeps the seat", async () => {
    const owner = await instructor("owner2");
    const w = await workshopOf(owner.id, { capacity: 3 });
    const learners = await Promise.all(["a", "b", "c", "d", "e"].map((n) => learnerSession.startLearnerSession(n)));
    const outcomes = await Promise.all(learners.map(({ learner }) => workshops.addMember(w, learner.id)));
    expect(outcomes.filter((o) => o === "joined")).toHaveLength(3);
    expect(outcomes.filter((o) => o === "full")).toHaveLength(2);
    const seated = learners[outcomes.indexOf("joined")].learner;
    expect(await workshops.addMember(w, seated.id)).toBe("already a member");
    expect((await workshops.findWorkshop(w.id))?.memberCount).toBe(3);
    const members = await workshops.membersOf(w.id);
    expect(members).toHaveLength(3);
    expect(await workshops.isMember(w.id, seated.id)).toBe(true);
  });

  it("lock, current workshop, end once", async () => {
    const owner = await instructor("owner3");
    const w = await workshopOf(owner.id);
    const { learner } = await learnerSession.startLearnerSession("Lin");
    expect(await workshops.currentWorkshopOf(learner.id)).toBeNull();
    await workshops.addMember(w, learner.id);
    expect((await workshops.setLockedChapters(w.id, ["cache"])).lockedChapterIds).toEqual(["cache"]);
    expect((await workshops.currentWorkshopOf(learner.id))?.lockedChapterIds).toEqual(["cache"]);
    expect(await workshops.markWorkshopEnded(w.id)).toBe(true);
    expect(await workshops.markWorkshopEnded(w.id)).toBe(false);
    expect(await workshops.currentWorkshopOf(learner.id)).toBeNull();
  });

  it("messages: a broadcast reaches everyone, a direct message only its learner", async () => {
    const owner = await instructor("owner4");
    const w = await workshopOf(owner.id);
    const [ann, bob] = await Promise.all([learnerSession.startLearnerSession("Ann"), learnerSession.startLearnerSession("Bob")]);
    await messages.saveWorkshopMessage({ workshopId: w.id, text: "Break until 11:00" });
    await messages.saveWorkshopMessage({ workshopId: w.id, text: "Ann, look at step 2", learnerId: ann.learner.id });
    expect((await messages.latestMessageFor(w.id, ann.learner.id))?.text).toBe("Ann, look at step 2");
    expect((await messages.latestMessageFor(w.id, bob.learner.id))?.text).toBe("Break until 11:00");
    expect(await messages.messagesOf(w.id)).toHaveLength(2);
  });

  it("audit: events are kept in order with their detail", async () => {
    const owner = await instructor("owner5");
    const w = await workshopOf(owner.id);
    await audit.recordAudit({ actorId: owner.id, workshopId: w.id, action: "workshop.create", detail: { title: w.title } });
    await audit.recordAudit({ actorId: owner.id, workshopId: w.id, action: "workshop.lock", detail: { chapterId: "cache" } });
    const trail = await audit.auditTrailOf(w.id);
    expect(trail.map((e) => e.action)).toEqual(["workshop.create", "workshop.lock"]);
    expect(trail[1].detail).toEqual({ chapterId: "cache" });
  });

  it("learner progress, hints and solutions, check runs and sandboxes", async () => {
    const { learner } = await learnerSession.startLearnerSession("Kim");
    const changed: string[] = [];
    const log = new progress.StepProgressLog((learnerId) => changed.push(learnerId));
    await log.recordStepVerdict(learner.id, "layers", "s1", { passed: true, summary: "ok" });
    await log.recordStepVerdict(learner.id, "layers", "s1", { passed: false, summary: "later failure" });
    await log.recordHintOpened(learner.id, "layers", "s2", 2);
    await log.recordSolutionRevealed(learner.id, "layers", "s2");
    expect(changed).toEqual([learner.id, learner.id, learner.id, learner.id]);
    const states = await progress.stepStatesForChapter(learner.id, "layers");
    expect(states.find((s) => s.stepId === "s1")).toMatchObject({ passed: true, lastVerdict: "later failure" });
    expect(states.find((s) => s.stepId === "s2")).toMatchObject({ hintsOpened: 2, solutionRevealed: true, passed: false });
    expect((await progress.passedStepsByChapter(learner.id)).get("layers")).toBe(1);

    await db().checkRun.create({
      data: { learnerId: learner.id, chapterId: "layers", stepId: "s1", passed: true, results: "[]", trigger: "button", durationMs: 12 },
    });
    expect(await db().checkRun.count({ where: { learnerId: learner.id } })).toBe(1);

    const store = createDatabaseSandboxStore();
    const at = new Date();
    await store.set({ learnerId: learner.id, sandboxId: "sbx-1", assignedAt: at, lastActiveAt: at });
    expect((await store.get(learner.id))?.sandboxId).toBe("sbx-1");
    await store.delete(learner.id);
    expect(await store.get(learner.id)).toBeUndefined();
  });
});
