/**
 * Capacity, stated: how a first build, a cached build and a verdict hold up as more learners build at once, and
 * how fast a learner joining a warmed room gets a prompt.
 *
 * A real lab server (server/index.ts, its own instance, port and data directory; needs a current `next build`).
 * For each N in NS (default 1, 4, 8, 16, 32): the instructor opens a workshop of N seats (the lab warms its
 * seats' sandboxes, as for any room), N learners join, each starts chapter 01 (anatomy) with step 1 in focus,
 * opens their terminal and cds into the exercise; then all N type, at once, the step's build
 * (`docker image build -t example/docker-node-hello:latest .`, a first build in a fresh sandbox), then, once all
 * are back at a prompt, the same build again (cached). Each build is timed from Enter to the shell's next prompt
 * (OSC 133 marks in the terminal stream); each verdict from that prompt to the verdict on the learner's own
 * event stream (/api/events, what their page shows). The workshop is ended (its sandboxes destroyed) before the
 * next N. A round whose N learners the lab has no places for is not started: the run stops there and says why.
 *
 * Then a room of ROOM learners (default 20): the workshop is created, the lab warms its seats, and once they are
 * ready the learners join one every JOIN_EVERY_MS (default 1000): each join → chapter started → terminal →
 * first prompt is timed (workshop_join_to_prompt_*).
 *
 * Writes bench/results/capacity.json through bench/lib/bench-record.ts.
 *
 *   npm run bench:capacity          (NS=1,4,8 ROOM=20 JOIN_EVERY_MS=1000 to change)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBenchRun } from "./lib/bench-record";
import {
  createWorkshop,
  endWorkshop,
  firstInstructor,
  followLearnerEvents,
  joinWorkshop,
  labPlaces,
  median,
  openTerminal,
  percentile,
  runCommand,
  sleep,
  startChapter,
  startLabServer,
  verdictAfter,
  type BenchLearner,
  type LabServer,
} from "./lib/lab-client";
import { createPodmanDriver } from "../server/sandbox/podman-driver";

const NS = (process.env.NS ?? "1,4,8,16,32").split(",").map(Number);
const ROOM = Number(process.env.ROOM ?? 20);
const JOIN_EVERY_MS = Number(process.env.JOIN_EVERY_MS ?? 1000);
const PORT = Number(process.env.BENCH_PORT ?? 3160);
const INSTANCE = "bench-capacity";
const CHAPTER = "anatomy";
const STEP = "build";
const WORKDIR = "~/docker-node-hello";
const BUILD = "docker image build -t example/docker-node-hello:latest .";
const DISK_MB = 2048;
const BUILD_TIMEOUT_MS = 20 * 60_000;
const VERDICT_TIMEOUT_MS = 60_000;

const driver = createPodmanDriver({ image: "", network: "", registry: "", diskDir: path.resolve(".data", INSTANCE, "disks"), instance: INSTANCE });

/** Waits until `count` of the instance's sandboxes run with Docker answering (the warmed seats). */
async function warmed(count: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const running = (await driver.list()).filter((s) => s.running);
    let ready = 0;
    for (const s of running) {
      const r = await driver.exec(s.id, ["docker", "version", "--format", "{{.Server.Version}}"], { user: "learner", timeoutMs: 5000 }).catch(() => null);
      if (r?.exitCode === 0) ready++;
    }
    if (ready >= count) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`only ${ready} of ${count} warmed sandboxes ready after ${timeoutMs / 1000} s`);
    await sleep(2000);
  }
}

async function diskMbOf(sandboxId: string): Promise<number> {
  const stat = fs.statSync(path.resolve(".data", INSTANCE, "disks", `${sandboxId}.img`));
  return Math.round((stat.blocks * 512) / 2 ** 20);
}

interface Round {
  n: number;
  first_build_median_ms: number;
  first_build_max_ms: number;
  cached_build_median_ms: number;
  cached_build_max_ms: number;
  verdict_median_ms: number | null;
  verdict_max_ms: number | null;
  first_build_verdict_median_ms: number | null;
  builds_failed: number;
  verdicts_missing: number;
  verdicts_passed: number;
  sandboxes_ready_s: number;
}

async function round(server: LabServer, instructor: string, n: number, abort: AbortSignal): Promise<{ round: Round; diskMb?: number }> {
  const workshop = await createWorkshop(server.base, instructor, { title: `Capacity ${n}`, chapterIds: [CHAPTER], capacity: n });
  const learners: BenchLearner[] = [];
  try {
    const readyStarted = Date.now();
    for (let i = 1; i <= n; i++) learners.push(await joinWorkshop(server.base, workshop.joinCode, i));
    await Promise.all(
      learners.map(async (l) => {
        await followLearnerEvents(server.base, l, abort);
        await startChapter(server.base, l, CHAPTER, STEP);
        await openTerminal(server, l);
        await runCommand(l, `cd ${WORKDIR}`, 30_000);
      }),
    );
    const sandboxesReadyS = Math.round((Date.now() - readyStarted) / 1000);
    console.log(`N=${n}: ${n} sandboxes ready, terminals open (${sandboxesReadyS} s); building`);

    const builds = async () =>
      Promise.all(
        learners.map(async (l) => {
          const run = await runCommand(l, BUILD, BUILD_TIMEOUT_MS);
          const verdict = await verdictAfter(l, STEP, run.promptAt, VERDICT_TIMEOUT_MS);
          return { ms: run.promptAt - run.sentAt, ok: run.exitCode === 0, verdictMs: verdict ? verdict.at - run.promptAt : null, passed: verdict?.passed ?? false };
        }),
      );
    const first = await builds();
    let diskMb: number | undefined;
    if (n === 1) {
      const sandbox = (await driver.list())[0];
      if (sandbox) diskMb = await diskMbOf(sandbox.id);
    }
    const cached = await builds();
    const ms = (runs: { ms: number }[]) => runs.map((r) => r.ms);
    const verdicts = cached.flatMap((r) => (r.verdictMs === null ? [] : [r.verdictMs]));
    const firstVerdicts = first.flatMap((r) => (r.verdictMs === null ? [] : [r.verdictMs]));
    const result: Round = {
      n,
      first_build_median_ms: Math.round(median(ms(first))),
      first_build_max_ms: Math.round(Math.max(...ms(first))),
      cached_build_median_ms: Math.round(median(ms(cached))),
      cached_build_max_ms: Math.round(Math.max(...ms(cached))),
      verdict_median_ms: verdicts.length ? Math.round(median(verdicts)) : null,
      verdict_max_ms: verdicts.length ? Math.round(Math.max(...verdicts)) : null,
      first_build_verdict_median_ms: firstVerdicts.length ? Math.round(median(firstVerdicts)) : null,
      builds_failed: [...first, ...cached].filter((r) => !r.ok).length,
      verdicts_missing: [...first, ...cached].filter((r) => r.verdictMs === null).length,
      verdicts_passed: cached.filter((r) => r.passed).length,
      sandboxes_ready_s: sandboxesReadyS,
    };
    console.log(JSON.stringify(result));
    return { round: result, diskMb };
  } finally {
    await Promise.all(learners.map((l) => l.terminal?.close().catch(() => {})));
    await endWorkshop(server.base, instructor, workshop.id).catch((e) => console.error("ending the round's workshop:", e));
  }
}

/** A warmed room: learners join one every JOIN_EVERY_MS; join → chapter started → terminal's first prompt. */
async function room(server: LabServer, instructor: string, abort: AbortSignal) {
  const workshop = await createWorkshop(server.base, instructor, { title: `Room of ${ROOM}`, chapterIds: [CHAPTER], capacity: ROOM });
  const learners: BenchLearner[] = [];
  try {
    const warmMs = await warmed(ROOM, 15 * 60_000);
    console.log(`room of ${ROOM}: seats warmed in ${(warmMs / 1000).toFixed(0)} s; learners join every ${JOIN_EVERY_MS} ms`);
    const waits = await Promise.all(
      Array.from({ length: ROOM }, async (_, i) => {
        await sleep(i * JOIN_EVERY_MS);
        const joinedAt = Date.now();
        const learner = await joinWorkshop(server.base, workshop.joinCode, i + 1);
        learners.push(learner);
        await followLearnerEvents(server.base, learner, abort);
        await startChapter(server.base, learner, CHAPTER, STEP);
        const promptAt = await openTerminal(server, learner);
        return promptAt - joinedAt;
      }),
    );
    const sorted = [...waits].sort((a, b) => a - b);
    return {
      workshop_join_to_prompt_p95_ms: Math.round(percentile(sorted, 95)),
      workshop_join_to_prompt_p50_ms: Math.round(percentile(sorted, 50)),
      workshop_join_to_prompt_max_ms: Math.round(sorted.at(-1)!),
      workshop_room_size: ROOM,
      workshop_seats_warmed_s: Math.round(warmMs / 1000),
    };
  } finally {
    await Promise.all(learners.map((l) => l.terminal?.close().catch(() => {})));
    await endWorkshop(server.base, instructor, workshop.id).catch((e) => console.error("ending the room:", e));
  }
}

async function main(): Promise<void> {
  const bench = startBenchRun("capacity");
  const server = await startLabServer({
    instance: INSTANCE,
    port: PORT,
    env: {
      // Sandboxes come from the rooms' warming only, not from spares.
      LAYERLAB_POOL_SIZE: "0",
      // As a room is run on such a machine (see bench/workshop.bench.ts): 2 GB disks, memory and CPU overcommitted.
      LAYERLAB_SANDBOX_DISK_MB: String(DISK_MB),
      LAYERLAB_MEMORY_OVERCOMMIT: "6",
      LAYERLAB_CPU_OVERCOMMIT: "30",
      // 5 % of this 250 GB disk (12 GB) kept free instead of 10 %: room for a class of 20 on a disk others share.
      LAYERLAB_DISK_RESERVE_PCT: "5",
    },
  });
  const abort = new AbortController();
  const rounds: Round[] = [];
  let refused: { n: number; reason: string } | null = null;
  let diskMb: number | undefined;
  let roomFigures: Awaited<ReturnType<typeof room>> | { workshop_join_to_prompt_error: string } | undefined;
  try {
    const instructor = await firstInstructor(server.base);
    for (const n of NS) {
      const a = await labPlaces(server.base);
      if (a.places - a.held < n) {
        refused = { n, reason: `admission: ${a.message}` };
        console.log(`N=${n}: not started, the lab has no places for ${n} (${a.message})`);
        break;
      }
      try {
        const done = await round(server, instructor, n, abort.signal);
        rounds.push(done.round);
        diskMb ??= done.diskMb;
      } catch (error) {
        // A round that did not finish (a build past BUILD_TIMEOUT_MS on a loaded machine) ends the rounds; what was
        // measured before it is kept, and why it stopped is recorded.
        refused = { n, reason: `round failed: ${(error instanceof Error ? error.message : String(error)).slice(0, 300)}` };
        console.error(`N=${n}: ${refused.reason}`);
        break;
      }
    }
    // The last round's sandboxes are destroyed as its workshop ends: their places come back moments later.
    let a = await labPlaces(server.base);
    for (let i = 0; i < 60 && a.places - a.held < ROOM; i++) {
      await sleep(1000);
      a = await labPlaces(server.base);
    }
    if (a.places - a.held < ROOM) roomFigures = { workshop_join_to_prompt_error: `no places for a room of ${ROOM}: ${a.message}` };
    else
      roomFigures = await room(server, instructor, abort.signal).catch((error: unknown) => ({
        workshop_join_to_prompt_error: (error instanceof Error ? error.message : String(error)).slice(0, 300),
      }));

    const byN = new Map(rounds.map((r) => [r.n, r]));
    const n1 = byN.get(1);
    const n8 = byN.get(8);
    const figures = {
      first_build_n1_ms: n1?.first_build_median_ms ?? null,
      first_build_n8_median_ms: n8?.first_build_median_ms ?? null,
      first_build_n8_max_ms: n8?.first_build_max_ms ?? null,
      first_build_n8_ratio: n1 && n8 ? Math.round((n8.first_build_median_ms / n1.first_build_median_ms) * 100) / 100 : null,
      cached_build_n1_ms: n1?.cached_build_median_ms ?? null,
      verdict_n1_ms: n1?.verdict_median_ms ?? null,
      sandbox_disk_mb_after_first_build: diskMb ?? null,
      ...roomFigures,
      rounds,
      refused,
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    };
    bench.finish(figures, {
      rounds:
        `For each N in ${NS.join(", ")}: a workshop of N seats (the lab warms the seats' sandboxes, pool size 0, ${DISK_MB} MB disks, memory overcommit 6, CPU overcommit 30, 5 % disk reserve), ` +
        `N learners join through /api/join, start chapter 01 (anatomy) with step 1 in focus, open a terminal WebSocket and cd into the exercise. All N then type \`${BUILD}\` at once ` +
        "(the first build in a fresh sandbox: the base image comes from wherever a fresh sandbox finds it), then, all back at a prompt, the same build again (cached). " +
        "Build time: Enter sent → the shell's next prompt mark (OSC 133 A) in the terminal stream. Verdict: that prompt → the step's verdict event on the learner's own /api/events stream (what their page shows); " +
        "verdict_* are after the cached build, first_build_verdict_* after the first. The round's workshop is ended (sandboxes destroyed) before the next N; " +
        "a round the lab's admission has no places for is not started (`refused` says why).",
      sandbox_disk_mb_after_first_build: "Allocated size on the host of the N=1 learner's sandbox disk file (.data/bench-capacity/disks/<id>.img, stat blocks × 512) right after the first build.",
      workshop_join_to_prompt:
        `A workshop of ${ROOM} seats is created; the bench waits until ${ROOM} of the lab's sandboxes answer \`docker version\` (the seats warmed ahead, workshop_seats_warmed_s), ` +
        `then learners arrive one every ${JOIN_EVERY_MS} ms: POST /api/join → POST /api/chapters/anatomy/start (NDJSON to ready) → terminal WebSocket → the first prompt mark (OSC 133 A). p95 over the ${ROOM} learners.`,
    });
  } finally {
    abort.abort();
    await server.stop();
    // The bench's sandboxes and data are its own: nothing is left running.
    for (const sandbox of await driver.list()) await driver.destroy(sandbox.id).catch((e) => console.error(`removing ${sandbox.id}:`, e));
    if (!fs.readFileSync("/proc/mounts", "utf8").includes(`${server.dataDir}/`)) fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

await main();
