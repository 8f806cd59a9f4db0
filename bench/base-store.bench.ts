/**
 * Base images from the shared store (server/sandbox/base-store.ts) against pulling them: chapter 01's first
 * build (FROM node:18) in fresh sandboxes, N at once, and the disk a sandbox's home uses after it.
 *
 * For each mode (store: sandboxes made with the seeded store; pull: the same without it, so node:18 comes from
 * the lab registry) and each N in NS: N sandboxes are made and their Docker started (not timed), chapter 01's
 * files are put in each, then all N run `docker build` at once. Each build is timed inside its sandbox (date
 * before and after, so `podman exec`'s own start is not counted). Then the first sandbox's home disk use (df)
 * is read, and the sandboxes are destroyed.
 *
 *   node --import ./server/register.mjs bench/base-store.bench.ts     (NS=1,8 MODES=store,pull to change)
 *
 * Writes bench/results/base-store.json through bench/lib/bench-record.ts.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseConfig } from "../lib/config";
import { baseStoreOf } from "../server/sandbox/base-store";
import { createPodmanDriver } from "../server/sandbox/podman-driver";
import { startBenchRun } from "./lib/bench-record";

const NS = (process.env.NS ?? "1,8").split(",").map(Number);
const MODES = (process.env.MODES ?? "store,pull").split(",") as ("store" | "pull")[];
const config = parseConfig(process.env);
const LIMITS = { memoryMb: 1536, cpus: 1, pids: 2048, diskMb: 4096 };
const CHAPTER_01 = path.resolve("content/chapters/01-anatomy/files");

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function round(mode: "store" | "pull", n: number) {
  const driver = createPodmanDriver({
    image: config.LAYERLAB_SANDBOX_IMAGE,
    network: config.LAYERLAB_NETWORK,
    registry: config.LAYERLAB_REGISTRY,
    diskDir: path.resolve(".data", "bench-base-store", "disks"),
    instance: "bench-base-store",
    baseStore: mode === "store" ? baseStoreOf(config) : undefined,
  });
  for (const left of await driver.list()) await driver.destroy(left.id);
  const ids: string[] = [];
  try {
    for (let i = 0; i < n; i++) ids.push((await driver.create({ labels: {}, limits: LIMITS })).id);
    const files = await readdir(CHAPTER_01);
    for (const id of ids) {
      const ready = await driver.exec(id, ["layerlab-docker-start"], { user: "learner", timeoutMs: 120_000 });
      if (ready.exitCode !== 0) throw new Error(`docker in ${id}: ${ready.stderr}`);
      for (const f of files) await driver.writeFile(id, `/home/learner/ch01/${f}`, await readFile(path.join(CHAPTER_01, f)));
    }
    const builds = await Promise.all(
      ids.map(async (id) => {
        const r = await driver.exec(id, ["bash", "-c", "cd ~/ch01 && a=$(date +%s%N) && docker build -q -t ch01 . >/dev/null && echo $((($(date +%s%N) - a) / 1000000))"], { user: "learner", timeoutMs: 20 * 60_000 });
        if (r.exitCode !== 0) throw new Error(`build in ${id}: ${r.stderr}`);
        return Number(r.stdout.trim());
      }),
    );
    const df = await driver.exec(ids[0], ["df", "--output=used", "-B1M", "/home/learner"], { user: "learner" });
    const diskMb = Number(df.stdout.trim().split("\n").at(-1));
    console.log(`${mode} n=${n}: builds ${builds.join(", ")} ms (median ${median(builds)}), home disk after ${diskMb} MB`);
    return { builds, median: median(builds), max: Math.max(...builds), diskMb };
  } finally {
    for (const id of ids) await driver.destroy(id).catch((error) => console.error(`destroying ${id}:`, error));
  }
}

const clock = startBenchRun("base-store");
const figures: Record<string, unknown> = {};
for (const mode of MODES) {
  for (const n of NS) {
    const r = await round(mode, n);
    figures[`${mode}_first_build_n${n}_median_ms`] = r.median;
    figures[`${mode}_first_build_n${n}_max_ms`] = r.max;
    figures[`${mode}_first_build_n${n}_all_ms`] = r.builds;
    if (n === NS[0]) figures[`${mode}_sandbox_disk_mb_after_first_build`] = r.diskMb;
  }
  const one = figures[`${mode}_first_build_n1_median_ms`] as number | undefined;
  const eight = figures[`${mode}_first_build_n8_median_ms`] as number | undefined;
  if (one && eight) figures[`${mode}_first_build_n8_ratio`] = Math.round((eight / one) * 100) / 100;
}
clock.finish(figures, {
  build: "chapter 01 (content/chapters/01-anatomy/files, FROM node:18), `docker build -q` timed inside each fresh sandbox, N at once",
  store: "sandboxes made with the seeded base-image store (LAYERLAB_BASE_STORE)",
  pull: "the same sandboxes without it: node:18 is pulled from the lab registry",
  disk: "df used of the first sandbox's home after its build",
});
