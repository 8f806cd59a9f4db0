import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { useTestDatabase } from "../db/test-databases.test-support";
import { asLearner, cleanUpInOrder, requireSandboxImage, testConfig, testLimits } from "../sandbox/int-test-kit.test-support";
import { createPodmanDriver } from "../sandbox/podman-driver";
import { SandboxManager, type SandboxProgress } from "../sandbox/sandbox-manager";
import { createMemorySandboxStore } from "../sandbox/sandbox-store";
import { createLabAdmission } from "./lab-admission";

/**
 * The full-lab queue with real sandboxes (podman, rootless Docker inside), the real admission policy
 * (host readings, LAYERLAB_MAX_SANDBOXES) and a real database for workshops and their seats.
 */
const { createAdministrator, createInstructor } = await import("../db/instructors");
const { addMember, createWorkshop, markWorkshopEnded } = await import("../db/workshops");
const { workshopQueue } = await import("../workshop/workshop-queue");
const { startLearnerSession } = await import("../auth/learner-session");

const instance = `test-admission-${randomBytes(3).toString("hex")}`;
// A disk directory of its own, so other tests' disks never change this lab's capacity.
const diskDir = `/var/tmp/layerlab-test-admission-${randomBytes(3).toString("hex")}`;
// Small disks: the queue is under test here, not what fits on the host's disk.
const limits = { ...testLimits, diskMb: 2048 };
const driver = createPodmanDriver({ image: testConfig.LAYERLAB_SANDBOX_IMAGE, network: testConfig.LAYERLAB_NETWORK, registry: testConfig.LAYERLAB_REGISTRY, diskDir, instance });
const managers: SandboxManager[] = [];
let releaseDb: () => Promise<void>;

function labOf(maxSandboxes: number): SandboxManager {
  const config = parseConfig({ LAYERLAB_MAX_SANDBOXES: String(maxSandboxes), LAYERLAB_SANDBOX_DISK_MB: String(limits.diskMb), LAYERLAB_DATA_DIR: "/var/tmp" });
  const manager = new SandboxManager({
    driver,
    store: createMemorySandboxStore(),
    limits,
    poolSize: 0,
    idleTimeoutMs: 3600_000,
    maxLifetimeMs: 8 * 3600_000,
    admission: createLabAdmission(config, { diskDir }),
    queueCheckMs: 500,
  });
  managers.push(manager);
  return manager;
}

async function learner(name: string): Promise<string> {
  return (await startLearnerSession(name)).learner.id;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !condition(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

async function dockerAnswers(sandboxId: string): Promise<boolean> {
  return (await asLearner(driver, sandboxId, "docker info --format '{{.ServerVersion}}'")).exitCode === 0;
}

beforeAll(async () => {
  await requireSandboxImage();
  releaseDb = (await useTestDatabase("sqlite")).release;
});

afterAll(() =>
  cleanUpInOrder(
    ...managers.map((m) => () => m.shutdown()),
    async () => {
      for (const s of await driver.list()) await driver.destroy(s.id);
    },
    () => rm(diskDir, { recursive: true, force: true }),
    () => releaseDb(),
  ),
);

describe("a full lab", () => {
  it("starts a second learner at once while there is room (positive control)", async () => {
    const lab = labOf(2);
    await lab.start();
    const [a, b] = [await learner("Ada"), await learner("Ben")];
    await lab.acquire(a);
    const phases: string[] = [];
    const got = await lab.acquire(b, (p) => phases.push(p.phase));
    expect(phases).toEqual(["starting sandbox", "starting Docker", "ready"]);
    expect(await dockerAnswers(got.sandboxId)).toBe(true);
    await lab.release(a);
    await lab.release(b);
    await lab.shutdown();
  });

  it("at one sandbox: the second learner is number 1 in line and starts by themselves when the first one's sandbox goes", async () => {
    const lab = labOf(1);
    await lab.start();
    const [a, b] = [await learner("Ada"), await learner("Ben")];
    const first = await lab.acquire(a);
    const progress: SandboxProgress[] = [];
    let settled = false;
    const second = lab.acquire(b, (p) => progress.push(p)).finally(() => (settled = true));
    await until(() => progress.length > 0, "Ben hears where he stands");
    expect(progress).toEqual([{ phase: "queued", position: 1 }]);
    expect(lab.queue()).toMatchObject([{ learnerId: b, position: 1 }]);
    expect(lab.admissionStatus()).toMatchObject({ places: 1, held: 1, waiting: 1 });
    // Nothing started for Ben while Ada holds the one place.
    await new Promise((r) => setTimeout(r, 1500));
    expect(settled).toBe(false);
    expect((await driver.list()).map((s) => s.id)).toEqual([first.sandboxId]);

    await lab.release(a);
    const got = await second;
    expect(progress.map((p) => p.phase)).toEqual(["queued", "starting sandbox", "starting Docker", "ready"]);
    expect(await dockerAnswers(got.sandboxId)).toBe(true);
    expect((await driver.list()).map((s) => s.id)).toEqual([got.sandboxId]);
    await lab.release(b);
    await lab.shutdown();
  });

  it("keeps a running workshop's seat for its member: the member passes the public in line", async () => {
    const admin = await createAdministrator({ username: `admin-${instance}`, displayName: "Admin", passwordHash: "x" });
    const hour = 3600_000;
    const workshop = await createWorkshop({ title: "Seats", chapterIds: ["layers"], drillIds: [], startsAt: new Date(Date.now() - hour), endsAt: new Date(Date.now() + hour), capacity: 1, ownerId: admin.id });
    const [pub1, pub2, member] = [await learner("Pia"), await learner("Quinn"), await learner("Mo")];
    expect(await addMember(workshop, member)).toBe("joined");

    // Two places, one kept for the workshop's one seat: the public shares the other.
    const lab = labOf(2);
    await lab.start();
    await lab.acquire(pub1);
    const queued: SandboxProgress[] = [];
    const pub2Gets = lab.acquire(pub2, (p) => queued.push(p));
    await until(() => queued.length > 0, "Quinn queued");
    expect(queued[0]).toEqual({ phase: "queued", position: 1 });

    const memberPhases: string[] = [];
    await lab.acquire(member, (p) => memberPhases.push(p.phase));
    expect(memberPhases[0]).toBe("starting sandbox");
    expect(lab.queue().map((q) => q.learnerId)).toEqual([pub2]);
    // The instructor sees the queue, and that none of theirs waits.
    expect(await workshopQueue(workshop, lab)).toEqual({ places: 2, held: 2, waiting: 1, members: [] });

    await lab.release(pub1);
    await pub2Gets;
    expect(lab.admissionStatus()).toMatchObject({ held: 2, waiting: 0 });
    await lab.release(pub2);
    await lab.release(member);
    await lab.shutdown();
    await markWorkshopEnded(workshop.id);
  });

  it("shows the instructor which of their members wait when the workshop is bigger than the lab", async () => {
    const admin = await createInstructor({ username: `owner-${instance}`, displayName: "Owner", passwordHash: "x" });
    const hour = 3600_000;
    const workshop = await createWorkshop({ title: "Big room", chapterIds: ["layers"], drillIds: [], startsAt: new Date(Date.now() - hour), endsAt: new Date(Date.now() + hour), capacity: 2, ownerId: admin.id });
    const [m1, m2] = [await learner("Mia"), await learner("Noor")];
    await addMember(workshop, m1);
    await addMember(workshop, m2);
    const lab = labOf(1);
    await lab.start();
    await lab.acquire(m1);
    const m2Gets = lab.acquire(m2);
    await until(() => lab.queue().length === 1, "Noor queued");
    const view = await workshopQueue(workshop, lab);
    expect(view).toMatchObject({ places: 1, held: 1, waiting: 1, members: [{ learnerId: m2, displayName: "Noor", position: 1 }] });
    await lab.release(m1);
    await m2Gets;
    expect((await workshopQueue(workshop, lab)).members).toEqual([]);
    await lab.release(m2);
    await lab.shutdown();
  });
});
