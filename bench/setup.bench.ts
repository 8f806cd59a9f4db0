/**
 * What a fresh machine waits for between `npm start` and a served lab, step by step, without destroying this
 * machine's images or dependencies: the steps of scripts/setup.sh run on a fresh checkout of HEAD (a git
 * worktree under a temporary directory) and, for the images, a podman storage root, state directory and scratch
 * directory of their own (CONTAINERS_STORAGE_CONF, LAYERLAB_STATE_DIR, LAYERLAB_BUILD_DIR), built with --no-push so
 * the lab registry this machine runs is left alone, beside the web app's steps as setup.sh runs them; the same image
 * build again, to show that nothing unchanged is rebuilt; the base-image store seeded into a directory of its own;
 * the server started.
 *
 * Not measured fresh, and said so in the JSON: the host packages (scripts/host-setup.sh installs Debian packages
 * on a fresh host; here they are installed, so only its idempotent pass is timed when HOST=1), the npm and apt
 * download caches (this machine's are used: FRESH_APT=1 gives the image build an empty .deb cache), and pushing
 * the base images to the lab registry.
 *
 *   npm run bench:setup        (JOBS=2 image builds at once; RECIPES="sandbox node" for a subset; HOST=1; FRESH_APT=1)
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBenchRun } from "./lib/bench-record";
import { sleep } from "./lib/lab-client";

const MAIN = process.cwd();
const WORK = fs.mkdtempSync("/var/tmp/layerlab-setup-bench-");
const SRC = path.join(WORK, "src");
const JOBS = process.env.JOBS ?? String(os.cpus().length);
const RECIPES = (process.env.RECIPES ?? "").split(/\s+/).filter(Boolean);
const FRESH_APT = process.env.FRESH_APT === "1";
const PORT = Number(process.env.BENCH_PORT ?? 3170);
/** Which steps to time (a run of some of them states no fresh_setup_s): npm,prisma,monaco,images,next,seed,server. */
const ALL_STEPS = ["npm", "prisma", "monaco", "images", "next", "seed", "server"];
const STEPS = new Set((process.env.STEPS ?? ALL_STEPS.join(",")).split(","));

/** Steps that failed, with the tail of their log: recorded in the JSON, and the run goes on with the next step. */
const failures: Record<string, string> = {};

/** Runs `step`; a failure is recorded under `part` (its time null) instead of ending the run. */
async function part<T>(name: string, step: () => Promise<T>): Promise<T | null> {
  try {
    return await step();
  } catch (error) {
    failures[name] = (error instanceof Error ? error.message : String(error)).slice(-1500);
    console.error(`${name} failed; recorded, going on`);
    return null;
  }
}

/** Runs a command to completion, its output to a log file; returns seconds taken. Throws with the log's tail on failure. */
async function timed(what: string, command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ s: number; log: string }> {
  const logFile = path.join(WORK, `${what.replace(/\W+/g, "-")}.log`);
  const log = fs.openSync(logFile, "w");
  const started = performance.now();
  const child = spawn(command, args, { cwd: options.cwd ?? SRC, env: { ...process.env, ...options.env }, stdio: ["ignore", log, log] });
  const code: number = await new Promise((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
  const s = Math.round((performance.now() - started) / 100) / 10;
  fs.closeSync(log);
  const text = fs.readFileSync(logFile, "utf8");
  if (code !== 0) throw new Error(`${what} failed (exit ${code}):\n${text.slice(-3000)}`);
  console.log(`${what}: ${s} s`);
  return { s, log: text };
}

/** Seconds per recipe from build-all.sh's "<name>: <arch> built in Ns" lines. */
function recipeTimes(log: string): Record<string, number> {
  const times: Record<string, number> = {};
  for (const m of log.matchAll(/\] (\S+): (\S+) built in (\d+)s/g)) times[`${m[1]} ${m[2]}`] = Number(m[3]);
  return times;
}

async function main(): Promise<void> {
  const bench = startBenchRun("setup");
  const storage = path.join(WORK, "storage");
  const storageConf = path.join(WORK, "storage.conf");
  fs.writeFileSync(storageConf, `[storage]\ndriver = "overlay"\ngraphroot = "${storage}/graph"\nrunroot = "${storage}/run"\n`);
  const imagesEnv = {
    CONTAINERS_STORAGE_CONF: storageConf,
    LAYERLAB_STATE_DIR: path.join(WORK, "state"),
    LAYERLAB_BUILD_DIR: path.join(WORK, "scratch"),
    LAYERLAB_IMAGE_JOBS: JOBS,
    ...(FRESH_APT ? { LAYERLAB_APT_CACHE: path.join(WORK, "apt") } : {}),
  };
  const parts: Record<string, number | null> = {};
  const notes: Record<string, string> = {};
  let recipes: Record<string, number> = {};
  let rerunS: number | null = null;

  /** npm → prisma → editor assets → next build, one after another (they depend on each other). */
  async function webApp(): Promise<void> {
    if (STEPS.has("npm")) parts.npm_install_s = (await timed("npm install", "npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"])).s;
    notes.npm_install = "A fresh node_modules from the lock file (native modules compiled), with this machine's npm download cache (--prefer-offline).";
    const fakeEngine = path.join(WORK, "schema-engine-unused");
    fs.writeFileSync(fakeEngine, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    const prismaEnv = { PRISMA_SCHEMA_ENGINE_BINARY: fakeEngine };
    // Without npm's step the fresh checkout borrows this machine's node_modules (hard links: nothing of it is changed).
    if (!STEPS.has("npm")) execFileSync("cp", ["-al", path.join(MAIN, "node_modules"), path.join(SRC, "node_modules")]);
    if (STEPS.has("prisma"))
      parts.prisma_generate_s =
        (await timed("derive postgres schema", "npx", ["tsx", "scripts/derive-postgres-schema.ts"])).s +
        (await timed("prisma generate (sqlite)", "npx", ["prisma", "generate", "--schema", "prisma/schema.prisma"], { env: prismaEnv })).s +
        (await timed("prisma generate (postgresql)", "npx", ["prisma", "generate", "--schema", "prisma/postgresql/schema.prisma"], { env: prismaEnv })).s;
    if (STEPS.has("monaco")) parts.monaco_assets_s = (await timed("editor assets", "bash", ["scripts/monaco-assets.sh"])).s;
    if (STEPS.has("next")) parts.next_build_s = (await part("next_build_s", () => timed("next build", "npx", ["next", "build"])))?.s ?? null;
  }

  /** Every recipe into a podman storage root of the bench's own. */
  async function buildImages(): Promise<void> {
    assertOwnStorage(imagesEnv, storageConf);
    // Taken in turn with whoever else rebuilds this machine's images (/tmp/images.lock).
    const images = await part("images_s", () => timed("images (fresh storage root)", "flock", ["/tmp/images.lock", "bash", "scripts/images/build-all.sh", "--no-push", ...RECIPES], { env: imagesEnv }));
    parts.images_s = images?.s ?? null;
    recipes = images ? recipeTimes(images.log) : {};
    notes.images =
      `build-all.sh --no-push ${RECIPES.join(" ") || "(every recipe)"} into a podman storage root of its own, ${JOBS} recipes at a time (LAYERLAB_IMAGE_JOBS), ` +
      (FRESH_APT ? "with an empty .deb cache (every package downloaded from the Debian mirror)." : "with this machine's .deb cache (/var/cache/layerlab/apt; the package lists are still fetched from the mirror).") +
      " Pushing to the lab registry is not timed (the registry is this machine's).";
  }

  try {
    execFileSync("git", ["worktree", "add", "--detach", SRC, "HEAD"], { stdio: "ignore" });
    if (process.env.HOST === "1") parts.host_idempotent_s = (await timed("host set-up (idempotent pass)", "bash", ["scripts/host-setup.sh"])).s;
    notes.host = "Host packages are installed on this machine; a fresh host's apt-get install time (podman, mmdebstrap, qemu, chromium …) depends on its mirror and is not in fresh_setup_s.";
    // As scripts/setup.sh runs them: the images in the background, beside the web app's steps.
    const started = performance.now();
    await Promise.all([STEPS.has("images") ? buildImages() : null, webApp()]);
    parts.images_beside_web_app_s = Math.round((performance.now() - started) / 100) / 10;
    if (STEPS.has("images") && parts.images_s !== null) rerunS = (await timed("images again (nothing changed)", "flock", ["/tmp/images.lock", "bash", "scripts/images/build-all.sh", "--no-push", ...RECIPES], { env: imagesEnv })).s;
    if (STEPS.has("seed"))
      parts.base_store_seed_s =
        (await part("base_store_seed_s", () => timed("base-image store (fresh)", "node", ["--import", "./server/register.mjs", "scripts/images/base-store.ts"], { env: { LAYERLAB_BASE_STORE: path.join(WORK, "base-store") } })))?.s ?? null;
    notes.base_store_seed =
      "scripts/images/base-store.ts into an empty store of its own (LAYERLAB_BASE_STORE under the bench's directory): the course's base images pulled from this machine's lab registry into a seeding sandbox and its engine's store moved into place.";
    if (STEPS.has("server")) parts.server_start_s = !parts.next_build_s ? null : await part("server_start_s", serverStart);
    notes.server_start = "server/index.ts (its own instance, port and data directory, pool size 0) from spawn until /api/health answers: migrations, the sandbox network, the admission's first reading.";
  } finally {
    cleanUp(storageConf);
  }
  // What a fresh `npm start` waits for: the images beside the web app, then the store, then the server.
  const path_ = [parts.images_beside_web_app_s, parts.base_store_seed_s, parts.server_start_s];
  const complete = ALL_STEPS.every((step) => STEPS.has(step)) && Object.values(parts).every((s) => s !== null);
  // Only a run whose every step succeeded states a fresh set-up time; otherwise the parts say what was measured.
  const fresh = complete ? Math.round(path_.reduce<number>((sum, s) => sum + (s ?? 0), 0)) : null;
  bench.finish(
    { fresh_setup_s: fresh, complete, ...parts, failures, image_recipes_s: recipes, images_rerun_nothing_changed_s: rerunS, image_jobs: Number(JOBS), fresh_apt_cache: FRESH_APT, notes },
    `The steps of scripts/setup.sh on a fresh git worktree of HEAD (${SRC}), as a fresh clone runs them: the images built in the background beside npm install → prisma generate → ` +
      "editor assets → next build (images_beside_web_app_s is that phase's wall time), then the base-image store seeded, then the server started; fresh_setup_s = images_beside_web_app_s + " +
      "base_store_seed_s + server_start_s (host packages excluded, see notes.host; pushing the images to the lab registry not timed). " +
      "Each part's note says what was fresh and what came from this machine.",
  );
}

/** Seconds from spawning the lab server in the fresh checkout to /api/health answering. */
async function serverStart(): Promise<number> {
  const instance = "bench-setup";
  const dataDir = path.join(WORK, "data");
  fs.mkdirSync(dataDir, { recursive: true });
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "./server/register.mjs", "server/index.ts"], {
    cwd: SRC,
    env: { ...process.env, PORT: String(PORT), LAYERLAB_INSTANCE: instance, LAYERLAB_DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, "layerlab.db")}`, LAYERLAB_POOL_SIZE: "0" },
    stdio: ["ignore", fs.openSync(path.join(WORK, "server.log"), "w"), fs.openSync(path.join(WORK, "server.log"), "a")],
  });
  try {
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the lab server exited (${child.exitCode}); see ${WORK}/server.log`);
      if (await fetch(`http://localhost:${PORT}/api/health`).then(() => true, () => false)) {
        const s = Math.round((performance.now() - started) / 100) / 10;
        console.log(`server start: ${s} s`);
        return s;
      }
      await sleep(200);
    }
    throw new Error("the lab server did not answer within 3 minutes");
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
  }
}

function storageDirs(storageConf: string): { graph: string; run: string } {
  const base = path.join(path.dirname(storageConf), "storage");
  return { graph: `${base}/graph`, run: `${base}/run` };
}

/** Refuses to build unless podman, given this environment, really uses the bench's own storage root. */
function assertOwnStorage(env: Record<string, string>, storageConf: string): void {
  const root = execFileSync("podman", ["info", "--format", "{{.Store.GraphRoot}}"], { env: { ...process.env, ...env }, encoding: "utf8" }).trim();
  if (root !== storageDirs(storageConf).graph) throw new Error(`podman would use ${root}, not the bench's own storage root: not building`);
}

function cleanUp(storageConf: string): void {
  const quiet = { stdio: "ignore" as const, cwd: MAIN };
  // The fresh storage's images and mounts go with podman's own command before the directory does; the root is
  // named on the command line, so nothing of this machine's storage can be touched (no `system reset`: it would
  // also remove the machine's networks).
  const { graph, run } = storageDirs(storageConf);
  try {
    if (fs.existsSync(graph)) execFileSync("podman", ["--root", graph, "--runroot", run, "image", "rm", "--all", "--force"], quiet);
  } catch (error) {
    console.error("cleaning the bench's podman storage:", error);
  }
  try {
    execFileSync("git", ["worktree", "remove", "--force", SRC], quiet);
  } catch (error) {
    console.error("removing the bench's worktree:", error);
  }
  if (!fs.readFileSync("/proc/mounts", "utf8").includes(`${WORK}/`)) fs.rmSync(WORK, { recursive: true, force: true });
  else console.error(`${WORK} still has mounts; left in place`);
}

await main();
