import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { useTestDatabase } from "../db/test-databases.test-support";
import { cleanUpInOrder, createTestDriver, requireSandboxImage, TEST_DISK_DIR, testConfig } from "../sandbox/int-test-kit.test-support";

// A room that is ready before it arrives, with real sandboxes (Docker started in each), the real admission
// (its LAYERLAB_MAX_SANDBOXES rule sets the lab's places) and a real database: creating a 3-seat workshop warms
// three sandboxes, a member gets one at once, ending the room releases every one; a lab with 2 places warms 2
// and a learner outside the room still gets a place.
const { db } = await import("../db/client");
const { LearnerEventBus } = await import("../events/learner-event-bus");
const { createLabAdmission } = await import("../admission/lab-admission");
const { SandboxManager } = await import("../sandbox/sandbox-manager");
const { createDatabaseSandboxStore } = await import("../db/sandbox-assignments");
const { addMember } = await import("../db/workshops");
const { createWorkshopFor, endWorkshop } = await import("./workshop-control");
const { roomsToWarm } = await import("./room-warmer");

const instructor = { id: "warm-inst", username: "warm", displayName: "Warm Inst", role: "admin" as const };

describe("a room warmed before it arrives (real sandboxes)", () => {
  const kit = createTestDriver("warm");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "layerlab-warm-"));
  let releaseDb: () => Promise<void>;
  let manager: InstanceType<typeof SandboxManager> | undefined;

  /** A manager as the lab makes one (server/lab.ts), with the lab's places capped at `places`. */
  async function startLab(places: number, warmSeats = 40): Promise<InstanceType<typeof SandboxManager>> {
    const config = parseConfig({
      ...process.env,
      LAYERLAB_DATA_DIR: dataDir,
      LAYERLAB_MAX_SANDBOXES: String(places),
      // Memory, CPU and disk leave room for more than `places` on this machine: the cap is what the test sets.
      LAYERLAB_SANDBOX_DISK_MB: "1024",
      LAYERLAB_DISK_RESERVE_MB: "1024",
      LAYERLAB_MEMORY_OVERCOMMIT: "20",
      LAYERLAB_CPU_OVERCOMMIT: "50",
    });
    const admission = createLabAdmission(config, { diskDir: TEST_DISK_DIR });
    const m = new SandboxManager({
      driver: kit.driver,
      store: createDatabaseSandboxStore(),
      limits: { memoryMb: testConfig.LAYERLAB_SANDBOX_MEMORY_MB, cpus: testConfig.LAYERLAB_SANDBOX_CPUS, pids: testConfig.LAYERLAB_SANDBOX_PIDS, diskMb: 1024 },
      poolSize: 0,
      idleTimeoutMs: 3600_000,
      maxLifetimeMs: 4 * 3600_000,
      admission,
      warmRooms: () => roomsToWarm(warmSeats),
      refillDelayMs: 0,
    });
    await m.start();
    return m;
  }

  async function newLearner(name: string): Promise<string> {
    const id = randomUUID();
    await db().learner.create({ data: { id, displayName: name } });
    return id;
  }

  /** What the workshop's use cases are handed of the lab: the manager of the test now (none in the seats-only test: nothing warms). */
  const noManager = { rewarm: async () => {} } as unknown as InstanceType<typeof SandboxManager>;
  const lab = () => ({ sandboxes: manager ?? noManager, events: new LearnerEventBus() });

  const openRoom = (seats: number) =>
    createWorkshopFor(lab(), instructor, {
      title: `Room of ${seats}`,
      chapterIds: ["layers"],
      drillIds: [],
      startsAt: new Date(Date.now() - 60_000),
      endsAt: new Date(Date.now() + 3600_000),
      capacity: seats,
    } as never);

  async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 150_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Pool sandboxes ready or starting, as the manager has decided them (a rewarm() call has settled the number). */
  const pooled = (m: InstanceType<typeof SandboxManager>) => m.status().poolReady + m.status().poolStarting;

  beforeAll(async () => {
    await requireSandboxImage();
    releaseDb = (await useTestDatabase("sqlite")).release;
    await db().instructor.create({ data: { id: instructor.id, username: instructor.username, displayName: instructor.displayName, role: "admin", passwordHash: "x" } });
  });

  afterAll(() =>
    cleanUpInOrder(
      () => manager?.shutdown(),
      () => kit.cleanup(),
      () => releaseDb?.(),
      () => fs.rmSync(dataDir, { recursive: true, force: true }),
    ),
  );

  it("creating a 3-seat room warms three sandboxes; a member gets one at once; ending the room releases all", async () => {
    manager = await startLab(10);
    // Positive control for the warming: no room, no warm sandboxes (the pool's own size is 0 here).
    expect(pooled(manager)).toBe(0);

    const workshop = await openRoom(3);
    await manager.rewarm();
    expect(pooled(manager)).toBe(3);
    await until("three warm sandboxes with Docker answering", () => manager!.status().poolReady === 3);
    expect(await kit.driver.list()).toHaveLength(3);

    const ada = await newLearner("Ada");
    expect(await addMember(workshop, ada)).toBe("joined");
    const got = await manager.acquire(ada);
    expect(got.fromPool).toBe(true);
    const docker = await kit.driver.exec(got.sandboxId, ["docker", "info", "--format", "{{.ServerVersion}}"], { user: "learner" });
    expect(docker.exitCode).toBe(0);
    // Ada's seat is taken: the pool keeps the other two and makes no third.
    await manager.rewarm();
    expect(pooled(manager)).toBe(2);
    expect(await kit.driver.list()).toHaveLength(3);

    const ended = await endWorkshop(lab(), instructor, workshop, { keepWork: false });
    expect(ended).toEqual({ released: 1, failed: 0 });
    expect(pooled(manager)).toBe(0);
    expect(await kit.driver.list()).toEqual([]);
    await manager.shutdown();
    manager = undefined;
  });

  it("LAYERLAB_WARM_SEATS caps the seats warmed per room; 0 warms none", async () => {
    const workshop = await openRoom(3);
    expect((await roomsToWarm(40)).get(workshop.id)).toBe(3);
    expect((await roomsToWarm(2)).get(workshop.id)).toBe(2);
    expect((await roomsToWarm(0)).size).toBe(0);
    await db().workshop.update({ where: { id: workshop.id }, data: { endedAt: new Date() } });
    expect((await roomsToWarm(40)).has(workshop.id)).toBe(false);
  });

  it("a lab with 2 places warms 2 of a 3-seat room, and a learner outside the room still gets a place", async () => {
    manager = await startLab(2);
    const workshop = await openRoom(3);
    await manager.rewarm();
    // The room above, with room to spare, warmed 3: here admission allows 2.
    expect(pooled(manager)).toBe(2);
    await until("two warm sandboxes", () => manager!.status().poolReady === 2);
    expect(manager.admissionStatus()).toMatchObject({ places: 2, held: 0, waiting: 0 });

    // Warm sandboxes hold no place: someone from outside the room is admitted and handed one.
    const pat = await newLearner("Pat (no workshop)");
    const got = await manager.acquire(pat);
    expect(got.fromPool).toBe(true);
    await manager.rewarm();
    // One place left, one warm sandbox: still nothing beyond the places.
    expect(pooled(manager)).toBe(1);
    expect(await kit.driver.list()).toHaveLength(2);

    await endWorkshop(lab(), instructor, workshop, { keepWork: false });
    expect(pooled(manager)).toBe(0);
    await manager.release(pat);
    expect(await kit.driver.list()).toEqual([]);
  });
});
