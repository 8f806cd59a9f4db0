/**
 * Durability (issue 10): faults injected into real sandboxes that hold a learner's work (chapter 01's
 * exercise folder and its built image, example/docker-node-hello on node:18), and what the lab's sandbox
 * manager does about them: the container killed from outside, the container removed from outside (its
 * disk kept), dockerd killed inside, and the sandbox expired (past LAYERLAB_MAX_LIFETIME_MIN: its home snapshotted, the sandbox destroyed, the learner back
 * later). Each fault FAULTS times (default 5). After each: the learner's file and image are checked.
 * Writes bench/results/durability.json (earlier runs kept under `runs`).
 *
 *   node --import ./server/register.mjs bench/durability.bench.ts        (FAULTS=N to change the count)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBenchRun } from "./lib/bench-record";

const { parseConfig } = await import("../lib/config");
const { configureDatabase, db, disconnectDb } = await import("../server/db/client");
const { migrateDatabase } = await import("../server/db/migrate");
const { findHomeSnapshot } = await import("../server/db/home-snapshots");
const { createPodmanDriver } = await import("../server/sandbox/podman-driver");
const { baseStoreOf } = await import("../server/sandbox/base-store");
const { createHomeArchiver } = await import("../server/sandbox/home-archive");
const { createHomeSnapshots } = await import("../server/sandbox/home-snapshots");
const { SandboxManager } = await import("../server/sandbox/sandbox-manager");
const { createMemorySandboxStore } = await import("../server/sandbox/sandbox-store");
const { runHostCommand } = await import("../server/sandbox/host-command");

const FAULTS = Number(process.env.FAULTS ?? 5);
const MIN = 60_000;
const config = parseConfig(process.env);
const work = fs.mkdtempSync("/var/tmp/layerlab-bench-durability-");
const diskDir = path.join(work, "disks");
const snapshotDir = path.join(work, "snapshots");
const instance = `bench-durability-${process.pid}`;
// As the lab makes sandboxes: with the base-image store (LAYERLAB_BASE_STORE), so node:18 is not in the home.
const driver = createPodmanDriver({ image: config.LAYERLAB_SANDBOX_IMAGE, network: config.LAYERLAB_NETWORK, registry: config.LAYERLAB_REGISTRY, diskDir, instance, baseStore: baseStoreOf(config) });
let clockOffset = 0;
const now = () => Date.now() + clockOffset;
const keeper = createHomeSnapshots({ dir: snapshotDir, archiver: createHomeArchiver({ diskDir }), retentionMs: 14 * 24 * 60 * MIN, maxBytes: config.LAYERLAB_SNAPSHOT_MAX_MB * 2 ** 20, now });
/** How long each restore's unpacking took (the rest of a restore is handing out the sandbox and starting Docker). */
const unpackMs: number[] = [];
const manager = new SandboxManager({
  driver,
  store: createMemorySandboxStore(),
  limits: { memoryMb: config.LAYERLAB_SANDBOX_MEMORY_MB, cpus: config.LAYERLAB_SANDBOX_CPUS, pids: config.LAYERLAB_SANDBOX_PIDS, diskMb: config.LAYERLAB_SANDBOX_DISK_MB },
  // A warm pool as in the lab (LAYERLAB_POOL_SIZE defaults to 2): a learner back after expiry gets a ready sandbox.
  poolSize: 1,
  // Only expiry here: the idle stop and the timer's reaping stay out of the way of the moved clock.
  idleTimeoutMs: 1000 * 24 * 60 * MIN,
  reapIntervalMs: 24 * 60 * MIN,
  maxLifetimeMs: 30 * MIN,
  homes: {
    ...keeper,
    restore: async (learnerId: string, sandboxId: string) => {
      const began = Date.now();
      await keeper.restore(learnerId, sandboxId);
      unpackMs.push(Date.now() - began);
    },
  },
  now,
  log: (message, error) => console.error(`lab: ${message}`, error ?? ""),
});

const LEARNER = "bench-learner";
const WORKDIR = "/home/learner/docker-node-hello";
const IMAGE = "example/docker-node-hello:latest";
const NOTE = `notes of the learner ${Date.now()}`;

function percentile(values: number[], p: number): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null;
}

async function asLearner(sandboxId: string, script: string, timeoutMs = 300_000) {
  return driver.exec(sandboxId, ["bash", "-lc", script], { user: "learner", timeoutMs });
}

/** The learner's view after a fault: their sandbox, a login shell answering, Docker answering. Returns when all hold. */
async function comeBack(): Promise<string> {
  const { sandboxId } = await manager.acquire(LEARNER);
  const r = await asLearner(sandboxId, "docker version --format '{{.Server.Version}}' >/dev/null && echo prompt-ok", 60_000);
  if (r.stdout.trim() !== "prompt-ok") throw new Error(`no working prompt in ${sandboxId}: ${r.stderr}`);
  return sandboxId;
}

/** Whether the learner's file and image are still there (and, with `run`, the image runs). */
async function workThere(sandboxId: string, run = false): Promise<{ file: boolean; image: boolean }> {
  const r = await asLearner(sandboxId, `cat ${WORKDIR}/notes.txt; docker image inspect ${IMAGE} --format image-ok 2>/dev/null${run ? ` && docker run --rm ${IMAGE} node -e 'console.log("runs-ok")'` : ""}`);
  return { file: r.stdout.includes(NOTE), image: r.stdout.includes("image-ok") && (!run || r.stdout.includes("runs-ok")) };
}

type Fault = "kill-container" | "remove-container" | "kill-dockerd" | "expire";

async function poolReady(): Promise<void> {
  for (let i = 0; i < 1200 && manager.status().poolReady < 1; i++) await new Promise((r) => setTimeout(r, 100));
}

async function inject(fault: Fault, sandboxId: string): Promise<void> {
  if (fault === "kill-container") await runHostCommand("podman", ["kill", sandboxId]);
  else if (fault === "remove-container") await runHostCommand("podman", ["rm", "--force", "--time", "0", sandboxId]);
  else if (fault === "kill-dockerd") await driver.exec(sandboxId, ["pkill", "-KILL", "-x", "dockerd"], { user: "root" });
  else {
    clockOffset += 31 * MIN;
    await manager.reap();
  }
}

async function main(): Promise<void> {
  const bench = startBenchRun("durability");
  const dbUrl = `file:${path.join(work, "bench.db")}`;
  configureDatabase(dbUrl);
  await migrateDatabase(dbUrl);
  await db().learner.create({ data: { id: LEARNER, displayName: "Bench" } });
  await manager.start();

  const results: Record<Fault, { ms: number[]; filesLost: number; imagesLost: number; replaced: number }> = {
    "kill-container": { ms: [], filesLost: 0, imagesLost: 0, replaced: 0 },
    "remove-container": { ms: [], filesLost: 0, imagesLost: 0, replaced: 0 },
    "kill-dockerd": { ms: [], filesLost: 0, imagesLost: 0, replaced: 0 },
    expire: { ms: [], filesLost: 0, imagesLost: 0, replaced: 0 },
  };
  const snapshotMb: number[] = [];
  const snapshotMs: number[] = [];
  try {
    // The learner's work: chapter 01's folder with a note of their own, and the image built from it.
    let sandboxId = (await manager.acquire(LEARNER)).sandboxId;
    const files = path.resolve("content/chapters/01-anatomy/files");
    for (const name of fs.readdirSync(files)) await driver.writeFile(sandboxId, `${WORKDIR}/${name}`, fs.readFileSync(path.join(files, name)));
    await driver.writeFile(sandboxId, `${WORKDIR}/notes.txt`, NOTE + "\n");
    const build = await asLearner(sandboxId, `cd ${WORKDIR} && docker image build -q -t ${IMAGE} .`, 600_000);
    if (build.exitCode !== 0) throw new Error(`building chapter 01's image failed: ${build.stderr}`);
    const before = await workThere(sandboxId, true);
    if (!before.file || !before.image) throw new Error(`the work is not there before any fault: ${JSON.stringify(before)}`);
    console.log(`work made in ${sandboxId}; injecting ${FAULTS} of each fault`);

    for (const fault of ["kill-container", "remove-container", "kill-dockerd", "expire"] as Fault[]) {
      for (let i = 0; i < FAULTS; i++) {
        const began = Date.now();
        await inject(fault, sandboxId);
        if (fault === "expire") {
          snapshotMs.push(Date.now() - began);
          const kept = await findHomeSnapshot(LEARNER);
          if (kept) snapshotMb.push(kept.kilobytes / 1024);
        }
        // Expiry: the learner comes back later (the pool has refilled by then), so their clock starts when they do.
        if (fault === "expire") await poolReady();
        const back = fault === "expire" ? Date.now() : began;
        const faulted = sandboxId;
        sandboxId = await comeBack();
        if (sandboxId !== faulted) results[fault].replaced++;
        const ms = Date.now() - back;
        results[fault].ms.push(ms);
        const after = await workThere(sandboxId, fault === "expire" || fault === "remove-container");
        if (!after.file) results[fault].filesLost++;
        if (!after.image) results[fault].imagesLost++;
        console.log(`${fault} #${i + 1}: ${ms} ms to a working prompt with Docker (${sandboxId}); file ${after.file ? "there" : "LOST"}, image ${after.image ? "there" : "LOST"}`);
      }
    }
  } finally {
    await manager.shutdown();
    for (const s of await driver.list()) await driver.destroy(s.id).catch((error) => console.error(`destroying ${s.id} failed`, error));
    await disconnectDb();
    fs.rmSync(work, { recursive: true, force: true });
  }

  const recover = [...results["kill-container"].ms, ...results["remove-container"].ms, ...results["kill-dockerd"].ms];
  const all = Object.values(results);
  const round = (n: number | null) => (n === null ? null : Math.round(n));
  const run = {
    faults_injected: all.reduce((n, r) => n + r.ms.length, 0),
    files_lost: all.reduce((n, r) => n + r.filesLost, 0),
    images_lost: all.reduce((n, r) => n + r.imagesLost, 0),
    recover_p50_ms: round(percentile(recover, 50)),
    recover_p95_ms: round(percentile(recover, 95)),
    restore_after_expiry_p95_ms: round(percentile(results.expire.ms, 95)),
    restore_after_expiry_p50_ms: round(percentile(results.expire.ms, 50)),
    restore_unpack_p50_ms: round(percentile(unpackMs, 50)),
    restore_unpack_p95_ms: round(percentile(unpackMs, 95)),
    snapshot_on_expiry_p50_ms: round(percentile(snapshotMs, 50)),
    snapshot_mb_per_learner: snapshotMb.length ? Math.round((snapshotMb.reduce((a, b) => a + b, 0) / snapshotMb.length) * 10) / 10 : null,
    by_fault: Object.fromEntries(
      Object.entries(results).map(([fault, r]) => [fault, { injected: r.ms.length, sandbox_replaced: r.replaced, files_lost: r.filesLost, images_lost: r.imagesLost, p50_ms: round(percentile(r.ms, 50)), p95_ms: round(percentile(r.ms, 95)), ms: r.ms }]),
    ),
    base_store: baseStoreOf(config) ?? "off",
    machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    method:
      `One learner's real sandbox (podman, rootless Docker, limits from the configuration, its own lab instance) driven by the lab's SandboxManager in this process (a warm pool of 1, snapshots on, a real SQLite database). ` +
      `Sandboxes are made as the lab makes them, with the base-image store (${baseStoreOf(config) ?? "off"}; node:18 is seen from it, not copied into the home, so the home holds the learner's own layers). The learner's work: chapter 01's exercise folder plus a note file, and ${IMAGE} built from it, checked to be there (and to run) before any fault. ` +
      `Faults, ${FAULTS} of each, in this order: kill-container (podman kill of the sandbox), remove-container (podman rm -f of the sandbox's container, its home disk left in place), kill-dockerd (pkill -KILL dockerd inside), expire (the manager's clock moved past the maximum lifetime, then reap(): the home snapshotted and the sandbox destroyed). ` +
      `Recovery is what the lab does when the learner's page or terminal asks for their sandbox again (SandboxManager.acquire, as a reconnecting terminal does; the lab's watchdog is not running here), timed from the fault (for expiry: from the learner's return) to a login shell in the sandbox answering with Docker's server version. ` +
      `recover_* covers kill-container, remove-container and kill-dockerd; restore_after_expiry_* covers expire, timed from the learner's return once the pool had refilled (a ready pool sandbox handed out, Docker stopped in it, the snapshot unpacked into its home, Docker started); restore_unpack_* is the unpacking alone (Docker stopped in the handed-out sandbox, its home emptied, zstd -d | tar -x in the sandbox's id mapping); snapshot_on_expiry_p50_ms is the reap that made the snapshot (Docker stopped, the sandbox stopped, tar + zstd). snapshot_mb_per_learner: the compressed snapshot (tar + zstd -3) of that home. ` +
      `by_fault.*.sandbox_replaced: how often the learner came back to a new sandbox (every time for expire; for a kill or a removed container, the lab replaced rather than revived or made a new container on the disk). After each recovery the note's content and the image are checked (after expiry and after remove-container the image is also run); files_lost and images_lost count failures. The machine is shared with other engineers' tests (see load_before/after).`,
  };

  const { method, ...figures } = run;
  bench.finish(figures, method);
  console.log(JSON.stringify(run, null, 2));
}

await main();
