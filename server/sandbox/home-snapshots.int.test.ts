import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { findHomeSnapshot } from "../db/home-snapshots";
import { useTestDatabase } from "../db/test-databases.test-support";
import { createInstructor } from "../db/instructors";
import { addMember, createWorkshop } from "../db/workshops";
import { LearnerEventBus } from "../events/learner-event-bus";
import { endWorkshop } from "../workshop/workshop-control";
import { createHomeArchiver } from "./home-archive";
import { createHomeSnapshots, type HomeKeeper } from "./home-snapshots";
import { baseStoreOf } from "./base-store";
import { asLearner, cleanUpInOrder, createTestDriver, requireSandboxImage, TEST_DISK_DIR, testConfig, testLimits } from "./int-test-kit.test-support";
import { createPodmanDriver } from "./podman-driver";
import { SandboxManager, type SandboxProgress } from "./sandbox-manager";
import { createMemorySandboxStore } from "./sandbox-store";

/**
 * Work survives expiry, on real sandboxes and a real database: an expired sandbox's home (a file and an
 * image built in it) comes back in the learner's next sandbox; the per-learner cap keeps the files without
 * the images, or refuses, and says so; retention removes old snapshots; an instructor ending a workshop
 * without keeping work deletes them.
 */
const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const { driver, cleanup } = createTestDriver("snapshots");
/** Sandboxes as the lab makes them, with the base-image store: base images are seen from it, not copied into homes. */
const storeInstance = `test-snapshots-store-${process.pid}`;
const storeDriver = createPodmanDriver({
  image: testConfig.LAYERLAB_SANDBOX_IMAGE,
  network: testConfig.LAYERLAB_NETWORK,
  registry: testConfig.LAYERLAB_REGISTRY,
  diskDir: TEST_DISK_DIR,
  instance: storeInstance,
  baseStore: baseStoreOf(testConfig),
});
const store = createMemorySandboxStore();
const archiver = createHomeArchiver({ diskDir: TEST_DISK_DIR });
const snapshotDir = mkdtempSync(path.join(os.tmpdir(), "layerlab-snapshots-"));
/** The lab's clock runs this far ahead of the real one, to expire sandboxes and snapshots without waiting. */
let clockOffset = 0;
const now = () => Date.now() + clockOffset;
const managers: SandboxManager[] = [];
let database: Awaited<ReturnType<typeof useTestDatabase>>;

function homes(maxBytes: number): HomeKeeper {
  return createHomeSnapshots({ dir: snapshotDir, archiver, retentionMs: 14 * DAY, maxBytes, now });
}

function manager(keeper: HomeKeeper): SandboxManager {
  const m = new SandboxManager({ driver, store, limits: testLimits, poolSize: 0, idleTimeoutMs: 60 * MIN, maxLifetimeMs: 30 * MIN, reapIntervalMs: DAY, homes: keeper, now });
  managers.push(m);
  return m;
}

async function learner(id: string): Promise<string> {
  await db().learner.create({ data: { id, displayName: id } });
  return id;
}

/** A file in the home and an image built in the sandbox's Docker (busybox from the lab registry plus a layer of its own). */
const MAKE_WORK = `mkdir -p ~/app && cd ~/app && echo "my notes" > notes.txt && printf 'FROM busybox\\nRUN echo built-here > /built.txt\\n' > Dockerfile && docker build -q -t mine/kept:1 . >/dev/null && echo made`;
const SHOW_WORK = `cat ~/app/notes.txt; stat -c %U ~/app/notes.txt; docker run --rm mine/kept:1 cat /built.txt 2>&1 | tail -1`;

async function exists(sandboxId: string): Promise<boolean> {
  return (await driver.list()).some((s) => s.id === sandboxId);
}

beforeAll(async () => {
  await requireSandboxImage();
  database = await useTestDatabase("sqlite");
});

afterAll(() =>
  cleanUpInOrder(
    ...managers.map((m) => () => m.shutdown()),
    cleanup,
    async () => {
      for (const s of await storeDriver.list()) await storeDriver.destroy(s.id);
    },
    () => database?.release(),
    () => rmSync(snapshotDir, { recursive: true, force: true }),
  ),
);

describe("work survives expiry", () => {
  it("an expired sandbox's files and images come back in the learner's next sandbox", async () => {
    const lab = manager(homes(3072 * 1024 * 1024));
    const ann = await learner("ann");
    const first = await lab.acquire(ann);
    expect((await asLearner(driver, first.sandboxId, MAKE_WORK)).stdout).toBe("made\n");
    // Positive control: the work is there before expiry.
    expect((await asLearner(driver, first.sandboxId, SHOW_WORK)).stdout).toBe("my notes\nlearner\nbuilt-here\n");

    clockOffset += 31 * MIN;
    await lab.reap();
    expect(await exists(first.sandboxId)).toBe(false);
    expect(await store.get(ann)).toBeUndefined();
    const kept = await findHomeSnapshot(ann);
    expect(kept).toMatchObject({ state: "kept", note: "" });
    expect(existsSync(path.join(snapshotDir, kept!.file))).toBe(true);

    const phases: SandboxProgress[] = [];
    const second = await lab.acquire(ann, (p) => phases.push(p));
    expect(second.sandboxId).not.toBe(first.sandboxId);
    expect(phases.map((p) => p.phase)).toEqual(["starting sandbox", "starting Docker", "restoring your work", "ready"]);
    expect((await asLearner(driver, second.sandboxId, SHOW_WORK)).stdout).toBe("my notes\nlearner\nbuilt-here\n");
    // The engine is usable, not only readable: it builds on top of the restored image.
    const rebuild = await asLearner(driver, second.sandboxId, `cd ~/app && echo 'RUN echo again >> /built.txt' >> Dockerfile && docker build -q -t mine/kept:2 . >/dev/null && docker run --rm mine/kept:2 cat /built.txt`);
    expect(rebuild.stdout).toBe("built-here\nagain\n");
    // Restored once: the snapshot is gone, so a later fresh sandbox does not get it again.
    expect(await findHomeSnapshot(ann)).toBeNull();
    expect(readdirSync(snapshotDir)).toEqual([]);
    await lab.release(ann);
  });

  it("with the base-image store, an expired home holding an image built on a store base image comes back and the image runs", async () => {
    const lab = new SandboxManager({ driver: storeDriver, store, limits: testLimits, poolSize: 0, idleTimeoutMs: 60 * MIN, maxLifetimeMs: 30 * MIN, reapIntervalMs: DAY, homes: homes(3072 * 1024 * 1024), now });
    managers.push(lab);
    const fay = await learner("fay");
    const first = await lab.acquire(fay);
    const build = "mkdir -p ~/srv && cd ~/srv && printf 'FROM node:18-slim\\nRUN echo from-the-store > /mine.txt\\n' > Dockerfile && docker build -q -t mine/on-store:1 . >/dev/null";
    const run = "docker run --rm mine/on-store:1 sh -c 'cat /mine.txt; node -e \"console.log(process.version.slice(0, 3))\"'";
    const made = await asLearner(storeDriver, first.sandboxId, `${build} && ${run}`, 300_000);
    expect(made.stdout, made.stderr).toBe("from-the-store\nv18\n");
    clockOffset += 31 * MIN;
    await lab.reap();
    const kept = await findHomeSnapshot(fay);
    expect(kept?.state).toBe("kept");
    // node:18-slim stayed in the store: the kept home holds the learner's own layer, not the base image.
    expect(kept!.kilobytes).toBeLessThan(10 * 1024);
    const second = await lab.acquire(fay);
    expect(second.sandboxId).not.toBe(first.sandboxId);
    expect((await asLearner(storeDriver, second.sandboxId, run, 120_000)).stdout).toBe("from-the-store\nv18\n");
    await lab.release(fay);
  });

  it("a sandbox that expired while the lab was down is kept when the lab starts again, and comes back", async () => {
    const before = manager(homes(3072 * 1024 * 1024));
    const erin = await learner("erin");
    const first = await before.acquire(erin);
    expect((await asLearner(driver, first.sandboxId, "echo while-down > ~/work.txt && cat ~/work.txt")).stdout).toBe("while-down\n");
    await before.shutdown();
    clockOffset += 31 * MIN;

    const after = manager(homes(3072 * 1024 * 1024));
    await after.start();
    expect(await exists(first.sandboxId)).toBe(false);
    expect((await findHomeSnapshot(erin))?.state).toBe("kept");
    const back = await after.acquire(erin);
    expect(back.sandboxId).not.toBe(first.sandboxId);
    expect((await asLearner(driver, back.sandboxId, "cat ~/work.txt")).stdout).toBe("while-down\n");
    await after.release(erin);
  });

  it("over the per-learner cap the files are kept without Docker's storage, and a home too large even so is refused; both say so", async () => {
    const lab = manager(homes(1024 * 1024));
    const bob = await learner("bob");
    const first = await lab.acquire(bob);
    expect((await asLearner(driver, first.sandboxId, MAKE_WORK)).stdout).toBe("made\n");
    await lab.release(bob, "keep");
    const partial = await findHomeSnapshot(bob);
    expect(partial?.state).toBe("files");
    expect(partial?.note).toMatch(/Docker images and build cache were over the lab's limit of 1 MB per learner and were not kept; your files are back/);

    const phases: SandboxProgress[] = [];
    const second = await lab.acquire(bob, (p) => phases.push(p));
    expect(phases.find((p) => p.phase === "restoring your work")?.note).toBe(partial?.note);
    const back = await asLearner(driver, second.sandboxId, `cat ~/app/notes.txt; docker image inspect mine/kept:1 >/dev/null 2>&1 && echo image-there || echo no-image; docker info --format ok`);
    expect(back.stdout).toBe("my notes\nno-image\nok\n");

    // 2 MB that no compression shrinks: over the cap even without Docker's storage.
    expect((await asLearner(driver, second.sandboxId, "head -c 2000000 /dev/urandom > ~/big.bin && echo ok")).stdout).toBe("ok\n");
    await lab.release(bob, "keep");
    const refused = await findHomeSnapshot(bob);
    expect(refused).toMatchObject({ state: "refused", file: "" });
    expect(refused?.note).toMatch(/files in your sandbox were over the lab's limit of 1 MB per learner and could not be kept/);
    expect(readdirSync(snapshotDir)).toEqual([]);

    const told: SandboxProgress[] = [];
    const third = await lab.acquire(bob, (p) => told.push(p));
    expect(told.find((p) => p.phase === "restoring your work")?.note).toBe(refused?.note);
    expect((await asLearner(driver, third.sandboxId, "test -e ~/big.bin || test -e ~/app || echo fresh; docker info --format ok")).stdout).toBe("fresh\nok\n");
    expect(await findHomeSnapshot(bob)).toBeNull();
    await lab.release(bob);
  });

  it("ending a workshop keeps members' work when asked, and deletes it when not; retention removes old snapshots", async () => {
    const lab = manager(homes(3072 * 1024 * 1024));
    const owner = await createInstructor({ username: "olga", displayName: "Olga", passwordHash: "x" });
    const instructor = { id: owner.id, username: "olga", displayName: "Olga", role: "instructor" as const };
    const draft = { chapterIds: ["anatomy"], drillIds: [], startsAt: new Date(Date.now() - 60 * MIN), endsAt: new Date(Date.now() + 60 * MIN), capacity: 10, ownerId: owner.id };
    const kept = await createWorkshop({ ...draft, title: "kept" });
    const dropped = await createWorkshop({ ...draft, title: "dropped" });
    const carl = await learner("carl");
    const dana = await learner("dana");
    await addMember(kept, carl);
    await addMember(dropped, dana);

    for (const id of [carl, dana]) {
      const { sandboxId } = await lab.acquire(id);
      expect((await asLearner(driver, sandboxId, "echo mine > ~/work.txt && echo ok")).stdout).toBe("ok\n");
    }
    // Dana's home was kept before the workshop ends (her sandbox expired); Carl's sandbox still runs.
    const carlSandbox = (await store.get(carl))!.sandboxId;
    await lab.release(dana, "keep");
    expect((await findHomeSnapshot(dana))?.state).toBe("kept");

    expect(await endWorkshop({ sandboxes: lab, events: new LearnerEventBus() }, instructor, kept, { keepWork: true })).toEqual({ released: 1, failed: 0 });
    expect(await endWorkshop({ sandboxes: lab, events: new LearnerEventBus() }, instructor, dropped, { keepWork: false })).toEqual({ released: 1, failed: 0 });
    expect(await exists(carlSandbox)).toBe(false);
    expect(await store.get(carl)).toBeUndefined();
    const carlKept = await findHomeSnapshot(carl);
    expect(carlKept?.state).toBe("kept");
    expect(await findHomeSnapshot(dana)).toBeNull();
    expect(readdirSync(snapshotDir)).toEqual([carlKept!.file]);

    // Retention (14 days): a snapshot 13 days old stays (control), one 15 days old goes with its file.
    const keeper = homes(3072 * 1024 * 1024);
    clockOffset += 13 * DAY;
    await keeper.sweep();
    expect(await findHomeSnapshot(carl)).not.toBeNull();
    expect(await keeper.pending(carl)).toEqual({ restorable: true, note: "" });
    clockOffset += 2 * DAY;
    expect(await keeper.pending(carl)).toBeNull();
    await keeper.sweep();
    expect(await findHomeSnapshot(carl)).toBeNull();
    expect(readdirSync(snapshotDir)).toEqual([]);
  });
});
