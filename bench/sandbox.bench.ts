/**
 * Sandbox benchmark: how long a learner waits for a ready sandbox (warm pool and cold), what an
 * idle sandbox costs in memory, and how many idle sandboxes fit on this 24 GB machine.
 *
 *   npx tsx bench/sandbox.bench.ts          (root; needs the sandbox image: npm run images)
 *
 * "Ready" = the manager's acquire() returned AND `docker info` answered in a learner's login shell
 * in that sandbox: the moment a learner's first docker command in the terminal would work.
 * Writes bench/results/sandbox.json. Cleans up every sandbox it made, also on failure.
 */
import "./lib/server-code";
import { startBenchRun } from "./lib/bench-record";
import { randomBytes } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";

const { parseConfig } = await import("@/lib/config");
const { createPodmanDriver } = await import("../server/sandbox/podman-driver");
const { SandboxManager } = await import("../server/sandbox/sandbox-manager");
const { createMemorySandboxStore } = await import("../server/sandbox/sandbox-store");
const { runHostCommand } = await import("../server/sandbox/host-command");

type Driver = ReturnType<typeof createPodmanDriver>;

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const IDLE_SANDBOXES = Number(process.env.BENCH_IDLE ?? 30);
/** Left for the OS, the lab server, its database and some page cache when counting how many sandboxes fit. */
const RESERVE_MB = 4096;
const DISK_DIR = "/var/tmp/layerlab-bench-disks";

const config = parseConfig(process.env);
const limits = {
  memoryMb: config.LAYERLAB_SANDBOX_MEMORY_MB,
  cpus: config.LAYERLAB_SANDBOX_CPUS,
  pids: config.LAYERLAB_SANDBOX_PIDS,
  diskMb: config.LAYERLAB_SANDBOX_DISK_MB,
};
const drivers: Driver[] = [];
const managers: InstanceType<typeof SandboxManager>[] = [];

function newDriver(name: string): Driver {
  const driver = createPodmanDriver({
    image: config.LAYERLAB_SANDBOX_IMAGE,
    network: config.LAYERLAB_NETWORK,
    registry: config.LAYERLAB_REGISTRY,
    diskDir: DISK_DIR,
    instance: `bench-${name}-${randomBytes(3).toString("hex")}`,
  });
  drivers.push(driver);
  return driver;
}

function newManager(driver: Driver, poolSize: number, maxParallelCreates = 1) {
  const manager = new SandboxManager({
    driver,
    store: createMemorySandboxStore(),
    limits,
    poolSize,
    maxParallelCreates,
    idleTimeoutMs: 24 * 3600_000,
    maxLifetimeMs: 24 * 3600_000,
  });
  managers.push(manager);
  return manager;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function dockerAnswers(driver: Driver, id: string): Promise<void> {
  const r = await driver.exec(id, ["bash", "-lc", "docker info --format '{{.ServerVersion}}'"], { user: "learner", timeoutMs: 60_000 });
  if (r.exitCode !== 0) throw new Error(`docker info failed in ${id}: ${r.stderr}`);
}

async function untilPool(manager: InstanceType<typeof SandboxManager>, ready: number, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (manager.status().poolReady < ready) {
    if (Date.now() > deadline) throw new Error(`pool did not reach ${ready} ready sandboxes`);
    await sleep(50);
  }
}

async function timeAcquire(manager: InstanceType<typeof SandboxManager>, driver: Driver, learner: string): Promise<number> {
  const started = performance.now();
  const { sandboxId } = await manager.acquire(learner);
  await dockerAnswers(driver, sandboxId);
  const elapsed = performance.now() - started;
  await manager.release(learner);
  return elapsed;
}

async function meminfoMb(field: string): Promise<number> {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(await readFile("/proc/meminfo", "utf8"));
  return Number(m![1]) / 1024;
}

interface IdleMemory {
  cgroupMb: number;
  anonMb: number;
  procRssMb: number;
  pssMb: number;
  conmonMb: number;
  /** Host pids that belong to this sandbox (its processes and its conmon). */
  pids: string[];
}

/** One idle sandbox's memory, several ways (cgroup v1 here; see the notes in the results). */
async function idleMemory(id: string): Promise<IdleMemory> {
  const inspect = (await runHostCommand("podman", ["inspect", "--format", "{{.State.CgroupPath}} {{.State.ConmonPid}}", id])).stdout.toString().trim();
  const [cgroup, conmonPid] = inspect.split(" ");
  const dir = `/sys/fs/cgroup/memory${cgroup}`;
  const usage = Number(await readFile(`${dir}/memory.usage_in_bytes`, "utf8"));
  const stat = await readFile(`${dir}/memory.stat`, "utf8");
  const anon = Number(/^total_rss (\d+)/m.exec(stat)![1]);
  const pids = (await readFile(`${dir}/cgroup.procs`, "utf8")).split("\n").filter(Boolean);
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    const rollup = await readFile(`/proc/${pid}/smaps_rollup`, "utf8").catch(() => "");
    rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
    pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0) * 1024;
  }
  const conmon = await readFile(`/proc/${conmonPid}/smaps_rollup`, "utf8").catch(() => "");
  const mb = (bytes: number) => bytes / 1024 / 1024;
  return {
    cgroupMb: mb(usage),
    anonMb: mb(anon),
    procRssMb: mb(rss),
    pssMb: mb(pss),
    conmonMb: mb(Number(/^Pss:\s+(\d+)/m.exec(conmon)?.[1] ?? 0) * 1024),
    pids: [...pids, conmonPid],
  };
}

/** Anonymous memory of every host process except the given ones: what the rest of the machine did meanwhile. */
async function othersAnonMb(exclude: Set<string>): Promise<number> {
  let kb = 0;
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid) || exclude.has(pid)) continue;
    const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
    kb += Number(/^RssAnon:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  }
  return kb / 1024;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const round = (n: number, digits = 0) => Number(n.toFixed(digits));

async function cleanup(): Promise<void> {
  for (const m of managers) await m.shutdown().catch(() => {});
  for (const d of drivers) for (const s of await d.list().catch(() => [])) await d.destroy(s.id).catch((e) => console.error(e));
}

async function main(): Promise<void> {
  const bench = startBenchRun("sandbox");
  const image = await runHostCommand("podman", ["image", "exists", config.LAYERLAB_SANDBOX_IMAGE]);
  if (image.exitCode !== 0) throw new Error(`${config.LAYERLAB_SANDBOX_IMAGE} is missing: npm run images`);
  console.log(`sandbox bench: ${RUNS} runs each, ${IDLE_SANDBOXES} idle sandboxes, limits ${JSON.stringify(limits)}`);

  // Cold: no pool, the learner waits for create + Docker start.
  const coldDriver = newDriver("cold");
  const cold = newManager(coldDriver, 0);
  await cold.start();
  const coldMs: number[] = [];
  for (let i = 0; i < RUNS; i++) coldMs.push(await timeAcquire(cold, coldDriver, `cold-${i}`));
  console.log(`cold  p50 ${round(percentile(coldMs, 50))} ms  p95 ${round(percentile(coldMs, 95))} ms`);
  await cold.shutdown();

  // Warm: a full pool of one; each run waits for the refill first, so every acquire is a pool hit.
  const warmDriver = newDriver("warm");
  const warm = newManager(warmDriver, 1);
  await warm.start();
  const warmMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await untilPool(warm, 1);
    await sleep(200);
    warmMs.push(await timeAcquire(warm, warmDriver, `warm-${i}`));
  }
  console.log(`warm  p50 ${round(percentile(warmMs, 50))} ms  p95 ${round(percentile(warmMs, 95))} ms`);
  await warm.shutdown();
  for (const s of await warmDriver.list()) await warmDriver.destroy(s.id);

  // Idle: fill two pools (one create at a time vs two), which also measures pool refill throughput.
  await sleep(5000);
  const availableBefore = await meminfoMb("MemAvailable");
  const othersBefore = await othersAnonMb(new Set());
  const half = Math.ceil(IDLE_SANDBOXES / 2);
  const fills: Record<string, { sandboxes: number; seconds: number }> = {};
  const idleDrivers: Driver[] = [];
  for (const [name, parallel, count] of [["serial", 1, half], ["parallel2", 2, IDLE_SANDBOXES - half]] as const) {
    const driver = newDriver(`idle-${name}`);
    idleDrivers.push(driver);
    const manager = newManager(driver, count, parallel);
    const started = performance.now();
    await manager.start();
    await untilPool(manager, count);
    fills[name] = { sandboxes: count, seconds: round((performance.now() - started) / 1000, 1) };
    console.log(`pool fill, ${parallel} create(s) at a time: ${count} ready sandboxes in ${fills[name].seconds} s`);
  }
  console.log("idle: letting the sandboxes settle for 60 s");
  await sleep(60_000);
  const ids = (await Promise.all(idleDrivers.map((d) => d.list()))).flat().map((s) => s.id);
  const memory = await Promise.all(ids.map(idleMemory));
  const availableAfter = await meminfoMb("MemAvailable");
  const othersGrowth = (await othersAnonMb(new Set(memory.flatMap((m) => m.pids)))) - othersBefore;
  const hostDropMb = (availableBefore - availableAfter) / ids.length;
  const correctedDropMb = (availableBefore - availableAfter - othersGrowth) / ids.length;
  const cgroupMb = mean(memory.map((m) => m.cgroupMb));
  const attributableMb = cgroupMb + mean(memory.map((m) => m.conmonMb));
  // Conservative: the larger of what the sandboxes are charged and what the host lost per sandbox.
  const costMb = Math.max(attributableMb, correctedDropMb);
  const memTotalMb = await meminfoMb("MemTotal");
  const fit = Math.floor((memTotalMb - RESERVE_MB) / costMb);
  console.log(
    `idle per sandbox: cgroup ${round(cgroupMb)} MB (anon ${round(mean(memory.map((m) => m.anonMb)))} MB) + conmon ${round(mean(memory.map((m) => m.conmonMb)), 1)} MB; ` +
      `process RSS sum ${round(mean(memory.map((m) => m.procRssMb)))} MB, PSS ${round(mean(memory.map((m) => m.pssMb)))} MB; ` +
      `host MemAvailable drop ${round(hostDropMb)} MB, ${round(correctedDropMb)} MB after taking out the other processes' growth (${round(othersGrowth)} MB)`,
  );
  console.log(`idle sandboxes that fit in ${round(memTotalMb / 1024, 1)} GB: ${fit} = (${round(memTotalMb)} MB - ${RESERVE_MB} MB reserve) / ${round(costMb)} MB`);

  const results = {
    warm_p50_ms: round(percentile(warmMs, 50)),
    warm_p95_ms: round(percentile(warmMs, 95)),
    cold_p50_ms: round(percentile(coldMs, 50)),
    cold_p95_ms: round(percentile(coldMs, 95)),
    idle_rss_mb: round(cgroupMb),
    idle_sandboxes_fit: fit,
    runs_per_case: RUNS,
    idle_sandboxes_measured: ids.length,
    idle_anon_mb: round(mean(memory.map((m) => m.anonMb))),
    idle_process_rss_sum_mb: round(mean(memory.map((m) => m.procRssMb))),
    idle_pss_mb: round(mean(memory.map((m) => m.pssMb))),
    idle_conmon_mb: round(mean(memory.map((m) => m.conmonMb)), 1),
    idle_host_memavailable_drop_mb: round(hostDropMb),
    idle_host_memavailable_drop_corrected_mb: round(correctedDropMb),
    idle_cost_used_for_fit_mb: round(costMb),
    host_mem_total_mb: round(memTotalMb),
    pool_fill: fills,
    limits,
    method: {
      ready:
        "from calling SandboxManager.acquire() until `docker info` answered in `bash -lc` as learner in that sandbox (podman exec); warm = a pool sandbox was ready (the pool of 1 refilled before each run), cold = pool size 0 (create + rootless dockerd start).",
      idle_rss_mb:
        "mean cgroup v1 memory.usage_in_bytes of each sandbox 60 s after Docker answered (anon + page cache charged to it). The per-process RSS sum counts the shared dockerd/containerd text pages again in every sandbox and overstates; PSS splits them; the host MemAvailable drop is what the machine really gave.",
      idle_sandboxes_fit: `floor((MemTotal - ${RESERVE_MB} MB reserve for OS, lab server, database, page cache) / per-sandbox cost), cost = max(cgroup usage + conmon PSS, host MemAvailable drop per sandbox corrected for the anon growth of all other processes, since other work ran on this machine meanwhile). Extrapolated linearly from ${ids.length} idle sandboxes. Memory only: the /24 sandbox subnet caps one network at 252 sandboxes (253 addresses minus gateway and registry), the containers: subuid range (100M / 200k) at 500.`,
    },
  };
  const { method, ...figures } = results;
  bench.finish(figures, method);
}

try {
  await main();
} finally {
  await cleanup();
  const left = await readdir(DISK_DIR).catch(() => []);
  if (left.length) console.error(`left in ${DISK_DIR}: ${left.join(", ")}`);
}
