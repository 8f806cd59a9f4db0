/**
 * A workshop under load: LEARNERS simulated learners join one workshop through the join route, each starts
 * chapter 04 in a real sandbox of their own (Docker running in each), keeps a terminal open with a shell loop
 * printing output, and returns to a prompt every CHECK_EVERY_S seconds, which runs the step's checks. The
 * instructor's dashboard event stream is open the whole time.
 *
 * Measured over LOAD_S seconds of that load:
 *   - dashboard delay: from a check run's record in the database (CheckRun.createdAt, the verdict) to the
 *     dashboard's server-sent event that carries it, as this process receives it (same clock);
 *   - the lab server process's RSS (peak) and CPU (its own user+system time over the window, in % of one core).
 *
 * A real lab server (server/index.ts, its own instance, port and data directory; needs a current `npx next
 * build`). Sandboxes are started a few at a time (CREATE_PARALLEL) before the measured window, as a room
 * filling up would; every learner has a real sandbox. Writes bench/results/workshop.json.
 *
 *   node --import ./server/register.mjs bench/workshop.bench.ts     (LEARNERS=50 LOAD_S=180 CHECK_EVERY_S=20)
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBenchRun } from "./lib/bench-record";
import { chromium } from "@playwright/test";
import { roomEventSchema } from "../lib/workshop/room";
import { createPodmanDriver } from "../server/sandbox/podman-driver";
import { TerminalTestClient } from "../server/terminal/terminal-client.test-support";

const LEARNERS = Number(process.env.LEARNERS ?? 50);
const LOAD_S = Number(process.env.LOAD_S ?? 180);
const CHECK_EVERY_S = Number(process.env.CHECK_EVERY_S ?? 20);
const CREATE_PARALLEL = Number(process.env.CREATE_PARALLEL ?? 3);
const PORT = Number(process.env.BENCH_PORT ?? 3150);
const INSTANCE = "bench-workshop";
const DATA_DIR = path.resolve(".data", INSTANCE);
const BASE = `http://localhost:${PORT}`;
const CHAPTER = "layers";
const STEP = "fat";
const RESULTS = path.resolve("bench/results/workshop.json");
const SCREENSHOT = path.resolve("bench/results/workshop-dashboard.png");
const TICKS_PER_S = 100; // USER_HZ on Linux

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function startServer(): Promise<ChildProcess> {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const log = fs.openSync(path.join(DATA_DIR, "server.log"), "a");
  const server = spawn(process.execPath, ["--import", "./server/register.mjs", "server/index.ts"], {
    env: {
      ...process.env,
      PORT: String(PORT),
      LAYERLAB_INSTANCE: INSTANCE,
      LAYERLAB_DATA_DIR: DATA_DIR,
      DATABASE_URL: `file:${path.join(DATA_DIR, "layerlab.db")}`,
      // Spare sandboxes start while earlier learners are being set up, as in a room filling up.
      LAYERLAB_POOL_SIZE: String(CREATE_PARALLEL),
      // Admission would hold a 24 GB, 2-core machine to about 4 sandboxes of the default size (10 GB disks counted
      // at full size, memory limits not overcommitted); the room of 50 is measured with what such a room is run with.
      LAYERLAB_SANDBOX_DISK_MB: "2048",
      LAYERLAB_MEMORY_OVERCOMMIT: "6",
      LAYERLAB_CPU_OVERCOMMIT: "30",
    },
    stdio: ["ignore", log, log],
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the lab server exited (${server.exitCode}); see ${DATA_DIR}/server.log`);
    if (await fetch(`${BASE}/api/health`).then((r) => r.ok, () => false)) return server;
    await sleep(500);
  }
  throw new Error("the lab server did not answer within 3 minutes");
}

/** A POST as the browser sends it (same origin), with the given cookie; returns the response. */
async function post(url: string, body: unknown, cookie = ""): Promise<Response> {
  return fetch(`${BASE}${url}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

async function expectOk(response: Response, what: string): Promise<void> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
}

/** Reads a server-sent event stream, calling `onData` with each event's data and the time it arrived. */
async function readEvents(response: Response, onData: (data: string, at: number) => void, signal: AbortSignal): Promise<void> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    while (!signal.aborted) {
      const { done, value } = await reader.read();
      if (done) return;
      const at = Date.now();
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split("\n")
          .filter((l) => l.startsWith("data: "))
          .map((l) => l.slice(6))
          .join("\n");
        if (data) onData(data, at);
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

interface Learner {
  index: number;
  cookie: string;
  id: string;
  terminal?: TerminalTestClient;
}

/** Starts the chapter (the learner's sandbox and files), reading the route's NDJSON progress to its end. */
async function startChapter(learner: Learner): Promise<void> {
  const response = await post(`/api/chapters/${CHAPTER}/start`, {}, learner.cookie);
  await expectOk(response, `starting the chapter for learner ${learner.index}`);
  const text = await response.text();
  const last = JSON.parse(text.trim().split("\n").at(-1)!) as { ready?: boolean; error?: string };
  if (!last.ready) throw new Error(`learner ${learner.index}: ${last.error ?? text.slice(-300)}`);
  await expectOk(await post(`/api/chapters/${CHAPTER}/steps/${STEP}/focus`, {}, learner.cookie), "focus");
}

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
async function screenshotDashboard(cookie: string, workshopId: string): Promise<void> {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const [name, ...value] = cookie.split("=");
    await context.addCookies([{ name, value: value.join("="), url: BASE }]);
    const page = await context.newPage();
    await page.goto(`${BASE}/instructor/workshops/${workshopId}`);
    const room = page.getByTestId("room-view");
    await room.waitFor({ timeout: 60_000 });
    await room.scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT });
    console.log(`dashboard screenshot: ${SCREENSHOT}`);
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const bench = startBenchRun("workshop");
  const server = await startServer();
  const abort = new AbortController();
  const learners: Learner[] = [];
  try {
    // The instructor: first-run set-up makes the administrator and signs them in.
    const setup = await post("/api/instructor/setup", { username: "bench", displayName: "Bench Instructor", password: "bench-password-1234" });
    await expectOk(setup, "instructor set-up");
    const instructorCookie = cookieFrom(setup);
    const now = Date.now();
    const created = await post(
      "/api/instructor/workshops",
      { title: "Load test", chapterIds: [CHAPTER], startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 4 * 3600_000).toISOString(), capacity: LEARNERS + 10 },
      instructorCookie,
    );
    await expectOk(created, "creating the workshop");
    const { workshop } = (await created.json()) as { workshop: { id: string; joinCode: string } };

    // The dashboard: its event stream is open before anyone joins, as on the projector laptop.
    const lastRunAt = new Map<string, number>();
    const delays: number[] = [];
    let measuring = false;
    let events = 0;
    const dashboard = await fetch(`${BASE}/api/instructor/workshops/${workshop.id}/events`, { headers: { cookie: instructorCookie }, signal: abort.signal });
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
    for (let i = 0; i < LEARNERS; i++) {
      const joined = await post("/api/join", { code: workshop.joinCode, displayName: `Learner ${i + 1}` });
      await expectOk(joined, `learner ${i + 1} joining`);
      const { learner } = (await joined.json()) as { learner: { id: string } };
      learners.push({ index: i + 1, cookie: cookieFrom(joined), id: learner.id });
    }
    const joinSeconds = (performance.now() - joinStarted) / 1000;
    console.log(`${LEARNERS} learners joined in ${joinSeconds.toFixed(1)} s`);

    const sandboxStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CREATE_PARALLEL }, async () => {
        while (next < learners.length) {
          const learner = learners[next++];
          await startChapter(learner);
          learner.terminal = await TerminalTestClient.connect({ url: `ws://localhost:${PORT}/ws/terminal`, origin: BASE, cookie: learner.cookie, cols: 100, rows: 30 });
          await learner.terminal.waitForMessage("ready", 120_000);
          // Output all the time: a line every half second, as a build log or a `docker run` would.
          learner.terminal.type(`cd ~/layers; (while sleep 0.5; do echo "learner ${learner.index} output $RANDOM $(date +%T.%N)"; done) &\r`);
          console.log(`learner ${learner.index}: sandbox ready, terminal open (${((performance.now() - sandboxStarted) / 1000).toFixed(0)} s)`);
        }
      }),
    );
    const sandboxSeconds = (performance.now() - sandboxStarted) / 1000;

    // The measured window: every learner returns to a prompt every CHECK_EVERY_S (each at their own phase),
    // which runs the focused step's checks.
    const pid = server.pid!;
    const cpuStart = cpuTicks(pid);
    const windowStart = performance.now();
    measuring = true;
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(rssMb(pid)), 2000);
    const deadline = Date.now() + LOAD_S * 1000;
    let prompts = 0;
    await Promise.all(
      learners.map(async (learner) => {
        await sleep(Math.random() * CHECK_EVERY_S * 1000);
        while (Date.now() < deadline) {
          learner.terminal!.type("ls >/dev/null\r");
          prompts++;
          await sleep(CHECK_EVERY_S * 1000 * (0.8 + Math.random() * 0.4));
        }
      }),
    );
    // Verdicts of the last prompts are still on their way.
    await sleep(10_000);
    measuring = false;
    clearInterval(sampler);
    const seconds = (performance.now() - windowStart) / 1000;
    const cpuEnd = cpuTicks(pid);
    const cpuPct = ((cpuEnd.own - cpuStart.own) / TICKS_PER_S / seconds) * 100;
    const childrenCpuPct = ((cpuEnd.children - cpuStart.children) / TICKS_PER_S / seconds) * 100;

    // The dashboard's first load with the room full.
    const snapshotStarted = performance.now();
    await expectOk(await fetch(`${BASE}/api/instructor/workshops/${workshop.id}/room`, { headers: { cookie: instructorCookie } }), "room snapshot");
    const snapshotMs = performance.now() - snapshotStarted;

    if (delays.length < LEARNERS) throw new Error(`only ${delays.length} verdicts reached the dashboard in the window`);
    const sorted = [...delays].sort((a, b) => a - b);
    const result = {
      dashboard_delay_p95_ms: Math.round(percentile(sorted, 95)),
      server_rss_mb: Math.round(Math.max(...rss)),
      server_cpu_pct: Math.round(cpuPct),
      dashboard_delay_p50_ms: Math.round(percentile(sorted, 50)),
      dashboard_delay_max_ms: Math.round(sorted.at(-1)!),
      dashboard_delay_samples: delays.length,
      dashboard_events: events,
      server_rss_mb_mean: Math.round(rss.reduce((a, b) => a + b, 0) / rss.length),
      server_children_cpu_pct: Math.round(childrenCpuPct),
      room_snapshot_ms: Math.round(snapshotMs),
      learners: LEARNERS,
      real_sandboxes: learners.filter((l) => l.terminal).length,
      prompts_typed: prompts,
      load_seconds: Math.round(seconds),
      check_every_s: CHECK_EVERY_S,
      join_seconds: Math.round(joinSeconds * 10) / 10,
      sandboxes_ready_seconds: Math.round(sandboxSeconds),
      method:
        `${LEARNERS} learners joined one workshop through /api/join, each started chapter 04 in a real sandbox of their own (rootless Docker running; ${CREATE_PARALLEL} started at a time before the window), ` +
        `focused step 1 and kept a terminal WebSocket open with a shell loop printing a line every 0.5 s. During the window each learner typed a command every ${CHECK_EVERY_S} s (±20 %, random phase); ` +
        "its return to the prompt ran the step's checks in the sandbox. The instructor's dashboard event stream (/api/instructor/workshops/<id>/events) was open throughout. " +
        "dashboard delay: CheckRun.createdAt (the verdict recorded) to the arrival, in this process, of the dashboard event carrying that run (same host clock). " +
        "server_rss_mb: peak VmRSS of the lab server process, sampled every 2 s; server_cpu_pct: its own user+system time over the window, in % of one core (the machine has " +
        `${os.cpus().length}); server_children_cpu_pct: the podman exec processes it ran and reaped (terminals and checks), same unit.`,
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} at the end (other engineers' work shares this machine)`,
    };
    const { method, ...figures } = result;
    bench.finish(figures, method);
    console.log(JSON.stringify(result, null, 2));
    await screenshotDashboard(instructorCookie, workshop.id).catch((error) => console.error("dashboard screenshot failed:", error));
  } finally {
    abort.abort();
    await Promise.all(learners.map((l) => l.terminal?.close().catch(() => {})));
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    // The bench's sandboxes and data are its own: nothing is left running.
    const driver = createPodmanDriver({ image: "", network: "", registry: "", diskDir: path.join(DATA_DIR, "disks"), instance: INSTANCE });
    const left = await driver.list();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let sandbox = left.shift(); sandbox; sandbox = left.shift()) {
          await driver.destroy(sandbox.id).catch((e) => console.error(`removing ${sandbox.id}:`, e));
        }
      }),
    );
    if (!fs.readFileSync("/proc/mounts", "utf8").includes(`${DATA_DIR}/`)) fs.rmSync(DATA_DIR, { recursive: true, force: true });
  }
}

await main();
