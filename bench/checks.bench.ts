/**
 * How long a learner waits for the verdict after the prompt returns, in two parts:
 *
 * 1. Every step of every chapter (bench/lib/checks-steps.ts): in one real sandbox, each step's solution applied,
 *    then its checks run as the lab runs them after a prompt, per-step p50/p95, beside the floor (the same checks'
 *    commands timed inside the sandbox) and a `podman exec` per command (the lab before issue 12).
 *    RUNS_PER_STEP (default 10), BUILD_RUNS (default 3), STEP_BUDGET_MS (default 15000: a slow step stops there once it
 *    has 3 runs), STEPS_BUDGET_S (default 900: no chapter is started after it), CHAPTERS=a,b to pick chapters.
 * 2. The whole way through the browser on one step (CHECKS_BROWSER=0 skips it; CHECKS_STEPS=0 skips part 1):
 *    from the moment the shell's return to a prompt (OSC 133 A) reaches the page, to the moment the check list on
 *    the page shows the new verdict.
 *
 * A real lab server (server/index.ts, its own instance, port and data directory; needs a current `npx next
 * build`) and a real Chromium on chapter 04, step 1 (3 checks: image-exists, and two layer-size checks that
 * each inspect the image and read its history). Each run, typed into the terminal:
 *   1. `docker image rm example/layers:fat`: the checks turn red (not timed; it makes the next change visible);
 *   2. `docker image build -q -t example/layers:fat .` (fully cached, so the build itself is short): timed from
 *      the WebSocket frame carrying the prompt's OSC 133 A to the DOM mutation that makes every
 *      `.check-list > li` `data-status="passed"`. Both timestamps are taken in the page (performance.now()).
 * Along the way it splits the time at the server-sent "checking" and "verdict" events, reads the server's own
 * check-run durations from its database, and times `podman exec` on the learner's sandbox to show where the
 * time goes. Writes bench/results/checks.json.
 *
 *   node --import ./server/register.mjs bench/checks.bench.ts        (RUNS=25 to change the count)
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startBenchRun } from "./lib/bench-record";
import { measureSteps, type StepFigures } from "./lib/checks-steps";
import { chromium, type Page } from "@playwright/test";
import Database from "better-sqlite3";
import { createPodmanDriver } from "../server/sandbox/podman-driver";

const RUNS = Number(process.env.RUNS ?? 25);
const PORT = Number(process.env.BENCH_PORT ?? 3140);
const INSTANCE = "bench-checks";
const DATA_DIR = path.resolve(".data", INSTANCE);
const BASE = `http://localhost:${PORT}`;
const CHAPTER = "layers";
const IMAGE = "example/layers:fat";
const RESULTS = path.resolve("bench/results/checks.json");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(values: number[]): { p50: number; p95: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n);
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), min: round(sorted[0]), max: round(sorted.at(-1)!) };
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
      // No spare sandbox starting Docker in the background while the checks are timed.
      LAYERLAB_POOL_SIZE: "0",
    },
    stdio: ["ignore", log, log],
  });
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the lab server exited (${server.exitCode}); see ${DATA_DIR}/server.log`);
    const ok = await fetch(`${BASE}/api/health`).then((r) => r.ok, () => false);
    if (ok) return server;
    await sleep(500);
  }
  throw new Error("the lab server did not answer within 3 minutes");
}

/**
 * Runs in the page before its own scripts: timestamps the terminal frames that carry OSC 133 A, the
 * server-sent events, and every change of a check's data-status.
 */
function instrument(): void {
  type Mark = { t: number };
  const bench = {
    prompts: [] as Mark[],
    events: [] as (Mark & { type: string; stepId?: string })[],
    statuses: [] as (Mark & { statuses: string[] })[],
    reset() {
      bench.prompts.length = 0;
      bench.events.length = 0;
      bench.statuses.length = 0;
    },
  };
  (window as unknown as { bench: typeof bench }).bench = bench;

  // ESC ] 1 3 3 ; A — plain, or inside tmux's passthrough (the ESC is doubled, the rest is the same).
  const mark = [0x5d, 0x31, 0x33, 0x33, 0x3b, 0x41];
  let carry: number[] = [];
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (event: MessageEvent) => {
        const t = performance.now();
        if (!(event.data instanceof ArrayBuffer)) return;
        const bytes = [...carry, ...new Uint8Array(event.data)];
        for (let i = 0; i + mark.length <= bytes.length; i++) {
          if (mark.every((b, k) => bytes[i + k] === b)) bench.prompts.push({ t });
        }
        carry = bytes.slice(-(mark.length - 1));
      });
    }
  };

  const NativeEventSource = window.EventSource;
  window.EventSource = class extends NativeEventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      this.addEventListener("message", (event: MessageEvent) => {
        const t = performance.now();
        try {
          const data = JSON.parse(event.data) as { type: string; stepId?: string };
          bench.events.push({ t, type: data.type, stepId: data.stepId });
        } catch {}
      });
    }
  };

  // On the Document node itself: it exists before any element does, and outlives client-side navigation.
  new MutationObserver(() => {
    const items = [...document.querySelectorAll(".check-list > li")];
    bench.statuses.push({ t: performance.now(), statuses: items.map((li) => li.getAttribute("data-status") ?? "") });
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-status"] });
}

interface BenchMarks {
  prompts: { t: number }[];
  events: { t: number; type: string; stepId?: string }[];
  statuses: { t: number; statuses: string[] }[];
}

async function typeLine(page: Page, line: string, beforeEnter?: () => Promise<void>): Promise<void> {
  await page.getByRole("region", { name: "Terminal" }).locator(".xterm-screen").click();
  await page.keyboard.type(line);
  await beforeEnter?.();
  await page.keyboard.press("Enter");
}

const checkItems = (page: Page) => page.locator(".check-list > li");

const STEP_METHOD =
  "One real sandbox (3 GB, 2 CPUs), every chapter in order as one learner does them: exercise files placed, each step's solution applied, then per step " +
  "one unmeasured run and RUNS_PER_STEP (building steps BUILD_RUNS; a step stops early at STEP_BUDGET_MS once it has 3) timed runs of runStepChecks, the function the lab server runs after a prompt, " +
  "through the sandbox's check channel (one long-lived podman exec -i running the check agent) and its Docker engine's socket (read-only questions, asked in parallel). " +
  "verdict_ms: wall time of those runs in the bench process (the server adds ~0 ms from prompt to the start of the run and ~10-20 ms from the verdict to the page: see the browser figures). " +
  "floor_ms: after each timed run, the same checks run again with every engine question asked as the docker command the CLI would run, each command timed inside the sandbox " +
  "(bash $EPOCHREALTIME around it, no podman exec, no channel) and summed: what the step's commands cost the sandbox itself. floor_ratio_p50 = verdict p50 / floor p50 per step; " +
  "the top-level floor_ratio_p50 is the median over steps. all_steps_p95_ms: the worst per-step verdict p95 over steps whose checks do not build (no build-succeeds/build-cache); " +
  "read_only_steps_p95_ms: the same over steps whose checks only read (no container started by a check, no build). " +
  "first_verdict_ms: the one run right after the solution was applied (what a learner waits for after the command that changed something; " +
  "a check that starts a container keeps its pass for the same image id, so later runs of such steps are reads: first_verdict_ms is their engine-paced figure). " +
  "podman_exec_per_command_p50_ms: the same checks with a podman exec per command (as the lab did before issue 12), 2 runs, non-building steps. " +
  "No chapter is started after STEPS_BUDGET_S (default 900 s); those not reached are listed in chapters_skipped.";

function stepFigures(steps: StepFigures[], skipped: string[], wallS: number) {
  const nonBuilding = steps.filter((s) => !s.builds);
  const building = steps.filter((s) => s.builds);
  const worst = nonBuilding.reduce<StepFigures | undefined>((w, s) => (!w || s.verdict_ms.p95 > w.verdict_ms.p95 ? s : w), undefined);
  const median = (values: number[]) => (values.length ? [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] : null);
  const readOnly = steps.filter((s) => s.read_only);
  const worstFirst = nonBuilding.reduce<StepFigures | undefined>((w, s) => (!w || s.first_verdict_ms > w.first_verdict_ms ? s : w), undefined);
  const worstReadOnly = readOnly.reduce<StepFigures | undefined>((w, s) => (!w || s.verdict_ms.p95 > w.verdict_ms.p95 ? s : w), undefined);
  return {
    all_steps_p95_ms: worst ? Math.round(worst.verdict_ms.p95) : null,
    all_steps_p95_worst_step: worst?.step ?? null,
    non_building_steps: nonBuilding.length,
    non_building_steps_within_250ms_p95: nonBuilding.filter((s) => s.verdict_ms.p95 <= 250).length,
    // Steps whose checks start no container and build nothing: what the channel and the engine socket cost alone.
    read_only_steps: readOnly.length,
    read_only_steps_p95_ms: worstReadOnly ? Math.round(worstReadOnly.verdict_ms.p95) : null,
    read_only_steps_p95_worst_step: worstReadOnly?.step ?? null,
    // The verdict right after the change, over steps that do not build: for steps that start a container, the container's own time.
    first_verdict_max_ms: worstFirst ? worstFirst.first_verdict_ms : null,
    first_verdict_max_step: worstFirst?.step ?? null,
    floor_ratio_p50: median(steps.map((s) => s.floor_ratio_p50)),
    building_steps: building.length,
    building_steps_floor_ratio_max: building.length ? Math.max(...building.map((s) => s.floor_ratio_p50)) : null,
    steps_measured: steps.length,
    steps_not_passing: steps.filter((s) => !s.passed).map((s) => s.step),
    chapters_skipped: skipped,
    steps_wall_s: wallS,
    steps,
  };
}

async function main(): Promise<void> {
  const bench = startBenchRun("checks");
  const stepsToo = process.env.CHECKS_STEPS !== "0";
  const measured = stepsToo
    ? await measureSteps({
        runs: Number(process.env.RUNS_PER_STEP ?? 10),
        buildRuns: Number(process.env.BUILD_RUNS ?? 3),
        stepBudgetMs: Number(process.env.STEP_BUDGET_MS ?? 15_000),
        budgetS: Number(process.env.STEPS_BUDGET_S ?? 900),
        chapters: process.env.CHAPTERS?.split(","),
        log: (line) => console.log(line),
      })
    : null;
  const perStep = measured ? stepFigures(measured.steps, measured.skipped, measured.wallS) : {};
  if (process.env.CHECKS_BROWSER === "0") {
    bench.finish(perStep, { steps: STEP_METHOD });
    return;
  }
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(instrument);
    await page.goto(BASE);
    await page.getByLabel(/your name/i).fill("Bench");
    await page.getByRole("button", { name: "Start" }).click();
    await page.getByRole("link", { name: /Layers are additive/ }).click();
    const terminal = page.getByRole("region", { name: "Terminal" });
    await terminal.and(page.locator('[data-terminal-state="ready"]')).waitFor({ timeout: 180_000 });
    await page.getByRole("tab", { name: /^Dockerfile(?![\w.])/ }).waitFor();

    // The first build pulls the base image and writes 60 MB; not timed.
    await typeLine(page, `cd ~/layers && docker image build -q -t ${IMAGE} .`);
    await page.locator('.check-list > li[data-status="passed"]').nth(2).waitFor({ timeout: 300_000 });

    const samples: { totalMs: number; promptToChecking: number; checkingToVerdict: number; verdictToDom: number }[] = [];
    for (let run = 0; run < RUNS; run++) {
      await typeLine(page, `docker image rm -f ${IMAGE} >/dev/null`);
      await page.locator('.check-list > li[data-check-id="exists"][data-status="failed"]').waitFor({ timeout: 60_000 });
      // Let the layer view's own read after that verdict finish, so it does not share the timed window.
      await sleep(1500);
      await typeLine(page, `docker image build -q -t ${IMAGE} .`, () => page.evaluate(() => (window as unknown as { bench: { reset(): void } }).bench.reset()));
      await page.locator('.check-list > li[data-status="passed"]').nth(2).waitFor({ timeout: 120_000 });
      const marks = await page.evaluate(() => {
        const { prompts, events, statuses } = (window as unknown as { bench: BenchMarks }).bench;
        return { prompts: [...prompts], events: [...events], statuses: [...statuses] };
      });
      const prompt = marks.prompts[0]?.t;
      const dom = marks.statuses.find((s) => s.statuses.length > 0 && s.statuses.every((status) => status === "passed"))?.t;
      // Events after the reset belong to this build's prompt: the server sends the terminal frame and the
      // "checking" event in the same tick, and either may reach the page first.
      const checking = marks.events.find((e) => e.type === "checking")?.t;
      const verdict = marks.events.find((e) => e.type === "verdict")?.t;
      if (prompt === undefined || dom === undefined || checking === undefined || verdict === undefined) {
        console.warn(`run ${run + 1}: incomplete marks, skipped`, JSON.stringify(marks));
        continue;
      }
      samples.push({ totalMs: dom - prompt, promptToChecking: checking - prompt, checkingToVerdict: verdict - checking, verdictToDom: dom - verdict });
      console.log(`run ${run + 1}/${RUNS}: ${Math.round(dom - prompt)} ms (prompt→checking ${Math.round(checking - prompt)}, checks ${Math.round(verdict - checking)}, render ${Math.round(dom - verdict)})`);
    }
    await page.close();
    if (samples.length < 20) throw new Error(`only ${samples.length} complete runs; need at least 20`);

    // Where the time goes on the server: its own check-run records, and podman exec on this sandbox.
    const db = new Database(path.join(DATA_DIR, "layerlab.db"), { readonly: true });
    const runs = db
      .prepare(`SELECT durationMs, results FROM CheckRun WHERE chapterId = ? AND stepId = 'fat' AND passed = 1 AND "trigger" = 'prompt' ORDER BY id DESC LIMIT ?`)
      .all(CHAPTER, samples.length) as { durationMs: number; results: string }[];
    const sandboxId = (db.prepare("SELECT sandboxId FROM SandboxAssignment LIMIT 1").get() as { sandboxId: string }).sandboxId;
    db.close();
    const perCheck: Record<string, number[]> = {};
    for (const r of runs) for (const c of JSON.parse(r.results) as { id: string; durationMs: number }[]) (perCheck[c.id] ??= []).push(c.durationMs);

    const driver = createPodmanDriver({ image: "", network: "", registry: "", diskDir: path.join(DATA_DIR, "disks"), instance: INSTANCE });
    const timeExec = async (cmd: string[], user: "learner" | "root" = "learner") => {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        await driver.exec(sandboxId, cmd, { user, timeoutMs: 30_000 });
        times.push(performance.now() - started);
      }
      return summary(times);
    };
    const history = `docker image history --no-trunc --human=false --format json ${IMAGE}`;
    const inspect = `docker image inspect ${IMAGE}`;
    const execTrue = await timeExec(["true"]);
    const execInspect = await timeExec(["docker", "image", "inspect", IMAGE]);
    // What a check run would add if it made sure of Docker first (acquire()); it does so only when the sandbox does not answer.
    const execDockerStart = await timeExec(["layerlab-docker-start"], "root");
    // The five commands step 1's checks run, as one exec: what batching them would cost.
    const execAllInOne = await timeExec(["bash", "-c", `${inspect}; ${inspect}; ${history}; ${inspect}; ${history}`]);
    // The docker CLI alone, timed inside the sandbox: what is left of an exec without podman's share.
    const inside = await driver.exec(
      sandboxId,
      ["bash", "-c", `for i in $(seq 20); do s=$(date +%s%N); ${inspect} >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); done`],
      { user: "learner", timeoutMs: 60_000 },
    );
    const dockerInspectInside = summary(inside.stdout.trim().split("\n").map(Number));

    const total = summary(samples.map((s) => s.totalMs));
    const result = {
      p50_ms: total.p50,
      p95_ms: total.p95,
      min_ms: total.min,
      max_ms: total.max,
      samples: samples.length,
      breakdown_ms: {
        prompt_to_checking_event: summary(samples.map((s) => s.promptToChecking)),
        checking_to_verdict_event: summary(samples.map((s) => s.checkingToVerdict)),
        verdict_event_to_dom: summary(samples.map((s) => s.verdictToDom)),
        server_check_run: summary(runs.map((r) => r.durationMs)),
        server_per_check: Object.fromEntries(Object.entries(perCheck).map(([id, v]) => [id, summary(v)])),
        podman_exec_true: execTrue,
        podman_exec_docker_image_inspect: execInspect,
        podman_exec_layerlab_docker_start_saved_per_check_run: execDockerStart,
        docker_image_inspect_timed_inside_sandbox: dockerInspectInside,
        podman_exec_step1_commands_in_one_exec: execAllInOne,
      },
      method:
        "Chromium on chapter 04 step 1 (3 checks asking 5 questions: image inspect; inspect + history; inspect + history; one run asks each distinct one once, so 2 sandbox commands) against a real lab server with its own sandbox. " +
        "Each run: `docker image rm` (checks go red, not timed), then a fully cached `docker image build -q`; timed in the page from the WebSocket frame carrying the prompt's OSC 133 A " +
        "to the MutationObserver callback that sees every .check-list > li at data-status=passed. Split at the server-sent 'checking' and 'verdict' events as the page receives them. " +
        "server_check_run: the server's own CheckRun.durationMs for those runs. podman_exec_*: 20 sequential driver.exec calls as the learner on the same sandbox, outside any check run; docker_image_inspect_timed_inside_sandbox: the same docker command timed by bash inside the sandbox (no podman exec).",
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} at the end (other engineers' tests share this machine)`,
    };
    const { method, ...figures } = result;
    bench.finish({ ...perStep, ...figures }, stepsToo ? { steps: STEP_METHOD, browser: method } : { browser: method });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
    // The bench's sandbox and data are its own: nothing is left running for the next run.
    const driver = createPodmanDriver({ image: "", network: "", registry: "", diskDir: path.join(DATA_DIR, "disks"), instance: INSTANCE });
    for (const sandbox of await driver.list()) await driver.destroy(sandbox.id).catch((e) => console.error(`removing ${sandbox.id}:`, e));
    if (!fs.readFileSync("/proc/mounts", "utf8").includes(`${DATA_DIR}/`)) fs.rmSync(DATA_DIR, { recursive: true, force: true });
  }
}

await main();
