/**
 * A workshop under load: LEARNERS simulated learners join one workshop through the join route, each starts
 * chapter 04 in a real sandbox of their own (Docker running in each), keeps a terminal open with a shell loop
 * printing output, and every CHECK_EVERY_S seconds really builds the step's image (`docker image build -t
 * example/layers:fat .`: the first one pulls the base image and writes a 60 MB layer, later ones are cached);
 * its return to the prompt runs the step's checks. The instructor's dashboard event stream is open the whole time.
 *
 * Measured over LOAD_S seconds of that load:
 *   - what learners wait for: from the prompt coming back after their build (the OSC 133 mark in their terminal
 *     stream) to the verdict arriving on their own page's event stream (/api/events);
 *   - dashboard delay: from a check run's record in the database (CheckRun.createdAt, the verdict) to the
 *     dashboard's server-sent event that carries it, as this process receives it (same clock);
 *   - every build typed is accounted for: a verdict on the learner's page, or why not (still building when the
 *     window closed, or the prompt came back and no verdict followed within VERDICT_WAIT_S);
 *   - the lab server process's RSS (peak) and CPU (its own user+system time over the window, in % of one core).
 *
 * A real lab server (server/index.ts, its own instance, port and data directory; needs a current `npx next
 * build`). Sandboxes are started a few at a time (CREATE_PARALLEL) before the measured window, as a room
 * filling up would; every learner has a real sandbox. Writes bench/results/workshop.json (RESULTS_DIR to write
 * elsewhere, e.g. for a short trial run).
 *
 *   node --import ./server/register.mjs bench/workshop.bench.ts     (LEARNERS=50 LOAD_S=180 CHECK_EVERY_S=20)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBenchRun } from "./lib/bench-record";
import { chromium } from "@playwright/test";
import { roomEventSchema } from "../lib/workshop/room";
import { createPodmanDriver } from "../server/sandbox/podman-driver";
import {
  createWorkshop,
  expectOk,
  firstInstructor,
  followLearnerEvents,
  joinWorkshop,
  labPlaces,
  openTerminal,
  percentile,
  readEvents,
  runCommand,
  sleep,
  startChapter,
  startLabServer,
  verdictAfter,
  type BenchLearner,
} from "./lib/lab-client";

const LEARNERS = Number(process.env.LEARNERS ?? 50);
const LOAD_S = Number(process.env.LOAD_S ?? 180);
const CHECK_EVERY_S = Number(process.env.CHECK_EVERY_S ?? 20);
const CREATE_PARALLEL = Number(process.env.CREATE_PARALLEL ?? 3);
/** After the window, builds still running get this long to come back to a prompt. */
const GRACE_S = Number(process.env.GRACE_S ?? 30);
const VERDICT_WAIT_S = 30;
const PORT = Number(process.env.BENCH_PORT ?? 3150);
const INSTANCE = "bench-workshop";
const CHAPTER = "layers";
const STEP = "fat";
const BUILD = "docker image build -t example/layers:fat .";
const RESULTS_DIR = process.env.RESULTS_DIR ? path.resolve(process.env.RESULTS_DIR) : undefined;
const SCREENSHOT = path.resolve(RESULTS_DIR ?? "bench/results", "workshop-dashboard.png");
const TICKS_PER_S = 100; // USER_HZ on Linux

function cpuTicks(pid: number): { own: number; children: number } {
  // Fields after the command name (which may hold spaces) start at field 3.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { own: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]) };
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** The room view with the whole room in it, at 1280×800, taken after the measured window. */
async function screenshotDashboard(base: string, cookie: string, workshopId: string): Promise<void> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const [name, ...value] = cookie.split("=");
    await context.addCookies([{ name, value: value.join("="), url: base }]);
    const page = await context.newPage();
    await page.goto(`${base}/instructor/workshops/${workshopId}`);
    const room = page.getByTestId("room-view");
    await room.waitFor({ timeout: 60_000 });
    await room.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });
    console.log(`dashboard screenshot: ${SCREENSHOT}`);
  } finally {
    await browser.close();
  }
}

/** What became of one build a learner typed during the window. */
type Outcome = "verdict" | "still building when the window closed" | "prompt back, no verdict within 30 s" | "terminal failed";

async function main(): Promise<void> {
  const bench = startBenchRun("workshop", RESULTS_DIR);
  const server = await startLabServer({
    instance: INSTANCE,
    port: PORT,
    env: {
      // Spare sandboxes start while earlier learners are being set up, as in a room filling up.
      LAYERLAB_POOL_SIZE: String(CREATE_PARALLEL),
      // Admission would hold a 24 GB, 2-core machine to about 4 sandboxes of the default size (10 GB disks counted
      // at full size, memory limits not overcommitted); the room of 50 is measured with what such a room is run with.
      LAYERLAB_SANDBOX_DISK_MB: "2048",
      LAYERLAB_MEMORY_OVERCOMMIT: "6",
      LAYERLAB_CPU_OVERCOMMIT: "30",
      // As bench:capacity: 5 % of the disk kept free instead of 10 %, room for a class on a disk others share.
      LAYERLAB_DISK_RESERVE_PCT: "5",
    },
  });
  const base = server.base;
  const abort = new AbortController();
  const learners: BenchLearner[] = [];
  try {
    const instructorCookie = await firstInstructor(base);
    // A room the lab has no places for would wait in line for ever: said at once instead.
    const room = await labPlaces(base);
    if (room.places - room.held < LEARNERS) throw new Error(`the lab has no places for ${LEARNERS} learners (${room.message}); try LEARNERS=${room.places - room.held}`);
    const workshop = await createWorkshop(base, instructorCookie, { title: "Load test", chapterIds: [CHAPTER], capacity: LEARNERS + 10 });

    // The dashboard: its event stream is open before anyone joins, as on the projector laptop.
    const lastRunAt = new Map<string, number>();
    const delays: number[] = [];
    let measuring = false;
    let events = 0;
    const dashboard = await fetch(`${base}/api/instructor/workshops/${workshop.id}/events`, { headers: { cookie: instructorCookie }, signal: abort.signal });
    await expectOk(dashboard, "opening the dashboard stream");
    void readEvents(
      dashboard,
      (data, at) => {
        const parsed = roomEventSchema.safeParse(JSON.parse(data));
        if (!parsed.success) return;
        events++;
        for (const learner of parsed.data.learners) {
          const runAt = learner.runs[0]?.at;
          if (runAt === undefined || runAt <= (lastRunAt.get(learner.learnerId) ?? 0)) continue;
          lastRunAt.set(learner.learnerId, runAt);
          if (measuring) delays.push(at - runAt);
        }
      },
      abort.signal,
    );

    // The room fills: everyone joins, then sandboxes start a few at a time.
    const joinStarted = performance.now();
    for (let i = 0; i < LEARNERS; i++) learners.push(await joinWorkshop(base, workshop.joinCode, i + 1));
    const joinSeconds = (performance.now() - joinStarted) / 1000;
    console.log(`${LEARNERS} learners joined in ${joinSeconds.toFixed(1)} s`);

    const sandboxStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CREATE_PARALLEL }, async () => {
        while (next < learners.length) {
          const learner = learners[next++];
          await followLearnerEvents(base, learner, abort.signal);
          await startChapter(base, learner, CHAPTER, STEP);
          await openTerminal(server, learner);
          // Output all the time: a line every half second, as a build log or a `docker run` would.
          await runCommand(learner, `cd ~/layers; (while sleep 0.5; do echo "learner ${learner.index} output $RANDOM $(date +%T.%N)"; done) &`, 60_000);
          console.log(`learner ${learner.index}: sandbox ready, terminal open (${((performance.now() - sandboxStarted) / 1000).toFixed(0)} s)`);
        }
      }),
    );
    const sandboxSeconds = (performance.now() - sandboxStarted) / 1000;

    // The measured window: every learner builds the step's image every CHECK_EVERY_S (each at their own phase,
    // never two builds of their own at once); the build's return to the prompt runs the step's checks.
    const pid = server.process.pid!;
    const cpuStart = cpuTicks(pid);
    const windowStart = performance.now();
    measuring = true;
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssMb(pid)), 2000);
    const deadline = Date.now() + LOAD_S * 1000;
    const outcomes: Outcome[] = [];
    const pageWaits: number[] = [];
    const builds: number[] = [];
    await Promise.all(
      learners.map(async (learner) => {
        await sleep(Math.random() * CHECK_EVERY_S * 1000);
        while (Date.now() < deadline) {
          const slot = Date.now() + CHECK_EVERY_S * 1000 * (0.8 + Math.random() * 0.4);
          let run: Awaited<ReturnType<typeof runCommand>>;
          try {
            run = await runCommand(learner, BUILD, Math.max(1000, deadline + GRACE_S * 1000 - Date.now()));
          } catch (error) {
            const closed = learner.terminal!.closeCode !== null;
            outcomes.push(closed ? "terminal failed" : "still building when the window closed");
            if (closed) console.error(`learner ${learner.index}'s terminal closed:`, error);
            return;
          }
          builds.push(run.promptAt - run.sentAt);
          const verdict = await verdictAfter(learner, STEP, run.promptAt, VERDICT_WAIT_S * 1000);
          if (verdict) {
            outcomes.push("verdict");
            pageWaits.push(verdict.at - run.promptAt);
          } else outcomes.push("prompt back, no verdict within 30 s");
          await sleep(Math.max(0, slot - Date.now()));
        }
      }),
    );
    // Verdicts of the last builds are on their way to the dashboard.
    await sleep(5_000);
    measuring = false;
    clearInterval(sampler);
    const seconds = (performance.now() - windowStart) / 1000;
    const cpuEnd = cpuTicks(pid);
    const cpuPct = ((cpuEnd.own - cpuStart.own) / TICKS_PER_S / seconds) * 100;
    const childrenCpuPct = ((cpuEnd.children - cpuStart.children) / TICKS_PER_S / seconds) * 100;

    // The dashboard's first load with the room full.
    const snapshotStarted = performance.now();
    await expectOk(await fetch(`${base}/api/instructor/workshops/${workshop.id}/room`, { headers: { cookie: instructorCookie } }), "room snapshot");
    const snapshotMs = performance.now() - snapshotStarted;

    if (delays.length === 0 || pageWaits.length === 0) throw new Error(`no verdicts in the window (dashboard ${delays.length}, pages ${pageWaits.length})`);
    const sorted = [...delays].sort((a, b) => a - b);
    const page = [...pageWaits].sort((a, b) => a - b);
    const built = [...builds].sort((a, b) => a - b);
    const count = (o: Outcome) => outcomes.filter((x) => x === o).length;
    const result = {
      page_wait_p95_ms: Math.round(percentile(page, 95)),
      dashboard_delay_p95_ms: Math.round(percentile(sorted, 95)),
      server_rss_mb: Math.round(Math.max(...rss)),
      server_cpu_pct: Math.round(cpuPct),
      page_wait_p50_ms: Math.round(percentile(page, 50)),
      page_wait_max_ms: Math.round(page.at(-1)!),
      dashboard_delay_p50_ms: Math.round(percentile(sorted, 50)),
      dashboard_delay_max_ms: Math.round(sorted.at(-1)!),
      dashboard_delay_samples: delays.length,
      dashboard_events: events,
      build_p50_ms: Math.round(percentile(built, 50)),
      build_p95_ms: Math.round(percentile(built, 95)),
      builds_typed: outcomes.length,
      builds_with_verdict_on_page: count("verdict"),
      builds_without_verdict: {
        still_building_when_window_closed: count("still building when the window closed"),
        prompt_back_no_verdict: count("prompt back, no verdict within 30 s"),
        terminal_failed: count("terminal failed"),
      },
      server_rss_mb_mean: Math.round(rss.reduce((a, b) => a + b, 0) / rss.length),
      server_children_cpu_pct: Math.round(childrenCpuPct),
      room_snapshot_ms: Math.round(snapshotMs),
      learners: LEARNERS,
      real_sandboxes: learners.filter((l) => l.terminal).length,
      load_seconds: Math.round(seconds),
      check_every_s: CHECK_EVERY_S,
      join_seconds: Math.round(joinSeconds * 10) / 10,
      sandboxes_ready_seconds: Math.round(sandboxSeconds),
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    };
    const method =
      `${LEARNERS} learners joined one workshop through /api/join, each started chapter 04 in a real sandbox of their own (rootless Docker running; ${CREATE_PARALLEL} started at a time before the window), ` +
      `focused step 1 and kept a terminal WebSocket open with a shell loop printing a line every 0.5 s. During the window (${LOAD_S} s) each learner typed \`${BUILD}\` every ${CHECK_EVERY_S} s (±20 %, random phase; ` +
      "never while their previous build ran): the first pulls debian:bookworm-slim from the lab registry and writes a 60 MB layer, later ones are cached. Its return to the prompt runs the step's checks. " +
      "page wait: the prompt's OSC 133 mark arriving on the learner's terminal WebSocket → the step's verdict event arriving on that learner's own /api/events stream (what their page shows), both in this process. " +
      `Every build typed is accounted for in builds_with_verdict_on_page and builds_without_verdict (still building ${GRACE_S} s after the window closed; prompt back but no verdict within ${VERDICT_WAIT_S} s; terminal failed). ` +
      "The instructor's dashboard event stream (/api/instructor/workshops/<id>/events) was open throughout. " +
      "dashboard delay: CheckRun.createdAt (the verdict recorded) to the arrival, in this process, of the dashboard event carrying that run (same host clock). " +
      "server_rss_mb: peak VmRSS of the lab server process, sampled every 2 s; server_cpu_pct: its own user+system time over the window, in % of one core (the machine has " +
      `${os.cpus().length}); server_children_cpu_pct: the podman exec processes it ran and reaped (terminals and checks), same unit.`;
    bench.finish(result, method);
    console.log(JSON.stringify(result, null, 2));
    await screenshotDashboard(base, instructorCookie, workshop.id).catch((error) => console.error("dashboard screenshot failed:", error));
  } finally {
    abort.abort();
    await Promise.all(learners.map((l) => l.terminal?.close().catch(() => {})));
    await server.stop();
    // The bench's sandboxes and data are its own: nothing is left running.
    const driver = createPodmanDriver({ image: "", network: "", registry: "", diskDir: path.join(server.dataDir, "disks"), instance: INSTANCE });
    const left = await driver.list();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let sandbox = left.shift(); sandbox; sandbox = left.shift()) {
          await driver.destroy(sandbox.id).catch((e) => console.error(`removing ${sandbox.id}:`, e));
        }
      }),
    );
    if (!fs.readFileSync("/proc/mounts", "utf8").includes(`${server.dataDir}/`)) fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
}

await main();
