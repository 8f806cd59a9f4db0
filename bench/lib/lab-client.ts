import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { learnerEventSchema, type LearnerEvent } from "../../lib/learner-events";
import { TerminalTestClient } from "../../server/terminal/terminal-client.test-support";

/**
 * What the load benches (capacity, workshop) do to a real lab server as browsers would: start it as its own
 * instance, sign an instructor in, join learners, start a chapter, open a learner's event stream (the one their
 * page listens to) and a terminal, and time a command from Enter to the shell's next prompt (OSC 133 marks).
 */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export interface LabServer {
  base: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts server/index.ts (needs a current `next build`) with its own instance, port and data directory. */
export async function startLabServer(options: { instance: string; port: number; env?: Record<string, string> }): Promise<LabServer> {
  const dataDir = path.resolve(".data", options.instance);
  fs.mkdirSync(dataDir, { recursive: true });
  const log = fs.openSync(path.join(dataDir, "server.log"), "a");
  const child = spawn(process.execPath, ["--import", "./server/register.mjs", "server/index.ts"], {
    env: {
      ...process.env,
      PORT: String(options.port),
      LAYERLAB_INSTANCE: options.instance,
      LAYERLAB_DATA_DIR: dataDir,
      DATABASE_URL: `file:${path.join(dataDir, "layerlab.db")}`,
      ...options.env,
    },
    stdio: ["ignore", log, log],
  });
  const base = `http://localhost:${options.port}`;
  const server: LabServer = {
    base,
    port: options.port,
    dataDir,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the lab server exited (${child.exitCode}); see ${dataDir}/server.log`);
    if (await fetch(`${base}/api/health`).then((r) => r.status < 500 || r.status === 503, () => false)) return server;
    await sleep(500);
  }
  throw new Error("the lab server did not answer within 3 minutes");
}

/** A POST as the browser sends it (same origin), with the given cookie. */
export function post(base: string, url: string, body: unknown, cookie = ""): Promise<Response> {
  return fetch(`${base}${url}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

export function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

export async function expectOk(response: Response, what: string): Promise<void> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
}

/** Reads a server-sent event stream, calling `onData` with each event's data and the time (Date.now()) it arrived. */
export async function readEvents(response: Response, onData: (data: string, at: number) => void, signal: AbortSignal): Promise<void> {
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

/** The instructor of a fresh lab: first-run set-up makes the administrator and signs them in; returns the cookie. */
export async function firstInstructor(base: string): Promise<string> {
  const setup = await post(base, "/api/instructor/setup", { username: "bench", displayName: "Bench Instructor", password: "bench-password-1234" });
  await expectOk(setup, "instructor set-up");
  return cookieFrom(setup);
}

export async function createWorkshop(base: string, cookie: string, input: { title: string; chapterIds: string[]; capacity: number }): Promise<{ id: string; joinCode: string }> {
  const now = Date.now();
  const created = await post(
    base,
    "/api/instructor/workshops",
    { ...input, startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 4 * 3600_000).toISOString() },
    cookie,
  );
  await expectOk(created, "creating the workshop");
  return ((await created.json()) as { workshop: { id: string; joinCode: string } }).workshop;
}

export async function endWorkshop(base: string, cookie: string, workshopId: string): Promise<void> {
  await expectOk(await post(base, `/api/instructor/workshops/${workshopId}/end`, { keepWork: false }, cookie), "ending the workshop");
}

export interface BenchLearner {
  index: number;
  cookie: string;
  id: string;
  terminal?: TerminalTestClient;
  /** Events on the learner's own page stream (/api/events), with arrival time. */
  events: { event: LearnerEvent; at: number }[];
}

export async function joinWorkshop(base: string, joinCode: string, index: number): Promise<BenchLearner> {
  const joined = await post(base, "/api/join", { code: joinCode, displayName: `Learner ${index}` });
  await expectOk(joined, `learner ${index} joining`);
  const { learner } = (await joined.json()) as { learner: { id: string } };
  return { index, cookie: cookieFrom(joined), id: learner.id, events: [] };
}

/** Opens the learner's page event stream, as their page does; events are collected on the learner. */
export async function followLearnerEvents(base: string, learner: BenchLearner, signal: AbortSignal): Promise<void> {
  const stream = await fetch(`${base}/api/events`, { headers: { cookie: learner.cookie }, signal });
  await expectOk(stream, `learner ${learner.index}'s event stream`);
  void readEvents(
    stream,
    (data, at) => {
      const parsed = learnerEventSchema.safeParse(JSON.parse(data));
      if (parsed.success) learner.events.push({ event: parsed.data, at });
    },
    signal,
  ).catch(() => {});
}

/** Starts the chapter (the learner's sandbox and files), reading the route's NDJSON progress to its end, and focuses a step. */
export async function startChapter(base: string, learner: BenchLearner, chapterId: string, stepId: string): Promise<void> {
  const response = await post(base, `/api/chapters/${chapterId}/start`, {}, learner.cookie);
  await expectOk(response, `starting the chapter for learner ${learner.index}`);
  const text = await response.text();
  const last = JSON.parse(text.trim().split("\n").at(-1)!) as { ready?: boolean; error?: string };
  if (!last.ready) throw new Error(`learner ${learner.index}: ${last.error ?? text.slice(-300)}`);
  await expectOk(await post(base, `/api/chapters/${chapterId}/steps/${stepId}/focus`, {}, learner.cookie), "focus");
}

// The sandbox's bash marks a finished command (133;D;<exit>) and the start of a prompt (133;A); inside tmux each is
// wrapped in tmux's passthrough, so only the payload is matched.
const PROMPT = /133;A/;
const DONE = /133;D;?(\d*)/;

/** The prompt on the screen the terminal opens with (a shell started earlier: its screen is restored, without marks). */
const SHOWN_PROMPT = /learner@layerlab[\s\S]{0,80}?\$/;

/**
 * Opens the learner's terminal and waits until it shows a prompt: the first prompt's mark, or a prompt on the screen
 * the terminal opens with (the shell came up before the page connected). Returns when it came (Date.now()).
 */
export async function openTerminal(server: Pick<LabServer, "base" | "port">, learner: BenchLearner, timeoutMs = 120_000): Promise<number> {
  learner.terminal = await TerminalTestClient.connect({ url: `ws://localhost:${server.port}/ws/terminal`, origin: server.base, cookie: learner.cookie, cols: 120, rows: 30 });
  await learner.terminal.waitForMessage("ready", timeoutMs);
  await learner.terminal.waitForText(new RegExp(`${PROMPT.source}|${SHOWN_PROMPT.source}`), timeoutMs);
  return Date.now();
}

/**
 * Types COMMAND and Enter; resolves when the shell is back at a prompt, with when Enter was sent and when the
 * prompt's mark arrived (Date.now()) and the command's exit code.
 */
export async function runCommand(learner: BenchLearner, command: string, timeoutMs: number): Promise<{ sentAt: number; promptAt: number; exitCode: number | null }> {
  const terminal = learner.terminal!;
  const from = terminal.text.length;
  const sentAt = Date.now();
  terminal.type(`${command}\r`);
  await terminal.waitForText(new RegExp(`${DONE.source}[\\s\\S]*${PROMPT.source}`), timeoutMs, from);
  const promptAt = Date.now();
  const code = DONE.exec(terminal.text.slice(from))?.[1];
  return { sentAt, promptAt, exitCode: code ? Number(code) : null };
}

/** The first verdict for the step on the learner's page stream that arrived after `after` (Date.now()), waiting up to timeoutMs. */
export async function verdictAfter(learner: BenchLearner, stepId: string, after: number, timeoutMs: number): Promise<{ at: number; passed: boolean } | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = learner.events.find((e) => e.at >= after && e.event.type === "verdict" && e.event.stepId === stepId);
    if (found && found.event.type === "verdict") return { at: found.at, passed: found.event.verdict.passed };
    if (Date.now() > deadline) return null;
    await sleep(50);
  }
}

interface Health {
  parts: { admission: { message: string } };
}

/** Places the lab has and holds, from /api/health ("3 learners in 20 places, 2 warm, 0 waiting; room for …"). */
export async function labPlaces(base: string): Promise<{ places: number; held: number; message: string }> {
  const health = (await (await fetch(`${base}/api/health`)).json()) as Health;
  const message = health.parts.admission.message;
  const match = /(\d+) learners? in (\d+|unlimited) places?/.exec(message);
  return { held: Number(match?.[1] ?? 0), places: match?.[2] === "unlimited" ? Infinity : Number(match?.[2] ?? 0), message };
}
