/**
 * The full-lab half of the abuse benchmark (issue 9, "Admission control"): a lab of its own that runs one
 * sandbox at most. A workshop member takes the one place; a visitor who starts a chapter must be told
 * "you are number 1 in line" and must start by themselves, without retrying, once the instructor ends the
 * workshop (which releases the member's sandbox).
 *
 * Everything goes through the lab's HTTP routes, as a browser's requests would. The lab runs as its own
 * process (own LAYERLAB_INSTANCE, data directory, database and a free port); its sandboxes and files are
 * removed afterwards. Load server modules the way the other benchmarks do (node --import ./server/register.mjs).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, open, rm } from "node:fs/promises";
import path from "node:path";
import { parseConfig } from "../../lib/config";
import { freePort } from "../../server/http/lab-server.test-support";
import { createPodmanDriver } from "../../server/sandbox/podman-driver";

export interface FullLabQueue {
  /** The first learner started at once, the second was told number 1 in line and started by themselves when the place freed. */
  full_lab_queue_works: boolean;
  /** From the end of the workshop (the place freed) to the waiting learner's sandbox ready, files placed. */
  queue_wait_ms?: number;
  method: string;
  /** What went wrong, when it did not work. */
  failure?: string;
}

const CHAPTER = "layers";
const START_DEADLINE_MS = 240_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads an NDJSON start stream, line by line, until `onLine` returns true or the stream ends. */
async function readLines(response: Response, onLine: (line: Record<string, unknown>) => boolean): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line && onLine(JSON.parse(line) as Record<string, unknown>)) {
        await reader.cancel().catch(() => {});
        return;
      }
    }
  }
}

export async function measureFullLabQueue(): Promise<FullLabQueue> {
  const method =
    "own lab process with LAYERLAB_MAX_SANDBOXES=1, pool 0: a workshop member starts chapter 'layers' (the one place), " +
    "a visitor's chapter start must report phase 'queued' at number 1 and finish by itself after the instructor ends the workshop; " +
    "queue_wait_ms runs from the end request to the visitor's {ready:true}";
  const config = parseConfig(process.env);
  const instance = `bench-queue-${randomBytes(3).toString("hex")}`;
  const dataDir = await mkdtemp("/var/tmp/layerlab-bench-queue-");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = await open(path.join(dataDir, "server.log"), "a");
  let server: ChildProcess | undefined;

  const post = (url: string, body: unknown, cookie = "") =>
    fetch(`${base}${url}`, { method: "POST", headers: { "content-type": "application/json", origin: base, ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
  const cookieOf = (response: Response) =>
    response.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
  const ok = async (response: Response, what: string) => {
    if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
    return response;
  };

  try {
    server = spawn(process.execPath, ["--import", "./server/register.mjs", "server/index.ts"], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: "127.0.0.1",
        LAYERLAB_INSTANCE: instance,
        LAYERLAB_DATA_DIR: dataDir,
        DATABASE_URL: `file:${path.join(dataDir, "layerlab.db")}`,
        LAYERLAB_MAX_SANDBOXES: "1",
        LAYERLAB_POOL_SIZE: "0",
        // Small disks: the queue is measured, not the host's disk.
        LAYERLAB_SANDBOX_DISK_MB: "2048",
      },
      stdio: ["ignore", log.fd, log.fd],
    });
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the lab exited (${server.exitCode}); see ${dataDir}/server.log`);
      if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error("the lab did not report healthy within 3 minutes");
      await sleep(500);
    }

    const setup = await ok(await post("/api/instructor/setup", { username: "bench", displayName: "Bench Instructor", password: "bench-password-1234" }), "instructor set-up");
    const instructor = cookieOf(setup);
    const now = Date.now();
    const created = await ok(
      await post("/api/instructor/workshops", { title: "Full lab", chapterIds: [CHAPTER], startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3600_000).toISOString(), capacity: 1 }, instructor),
      "creating the workshop",
    );
    const { workshop } = (await created.json()) as { workshop: { id: string; joinCode: string } };
    const member = cookieOf(await ok(await post("/api/join", { code: workshop.joinCode, displayName: "Member" }), "joining"));
    const visitor = cookieOf(await ok(await post("/api/session", { displayName: "Visitor" }), "starting a visitor's session"));

    // The member gets the one place at once.
    let memberQueued = false;
    let memberReady = false;
    await readLines(await ok(await post(`/api/chapters/${CHAPTER}/start`, {}, member), "member's start"), (line) => {
      if (line.phase === "queued") memberQueued = true;
      if (line.error) throw new Error(`member's start: ${String(line.error)}`);
      return (memberReady = line.ready === true);
    });
    if (!memberReady || memberQueued) return { full_lab_queue_works: false, method, failure: "the first learner did not start at once" };

    // The visitor waits in line, then starts by themselves once the place is freed.
    let position: number | undefined;
    let endedAt = 0;
    let readyAt = 0;
    const visitorStart = await ok(await post(`/api/chapters/${CHAPTER}/start`, {}, visitor), "visitor's start");
    let failure: string | undefined;
    const waited = readLines(visitorStart, (line) => {
      if (line.error) throw new Error(`visitor's start: ${String(line.error)}`);
      if (line.phase === "queued" && position === undefined) position = Number(/number (\d+) in line/.exec(String(line.message))?.[1]);
      if (line.ready === true) readyAt = Date.now();
      return readyAt > 0;
    }).catch((error: Error) => void (failure = error.message));
    for (let i = 0; i < 100 && position === undefined && !failure; i++) await sleep(100);
    if (position !== 1) return { full_lab_queue_works: false, method, failure: failure ?? `the visitor was not told number 1 in line (got ${position})` };
    endedAt = Date.now();
    await ok(await post(`/api/instructor/workshops/${workshop.id}/end`, { keepWork: false }, instructor), "ending the workshop");
    await Promise.race([waited, sleep(START_DEADLINE_MS)]);
    if (!readyAt) return { full_lab_queue_works: false, method, failure: failure ?? `the visitor did not start within ${START_DEADLINE_MS / 1000} s of the place freeing` };
    return { full_lab_queue_works: true, queue_wait_ms: readyAt - endedAt, method };
  } catch (error) {
    return { full_lab_queue_works: false, method, failure: error instanceof Error ? error.message : String(error) };
  } finally {
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await Promise.race([new Promise((r) => server!.once("exit", r)), sleep(15_000)]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    await log.close();
    const driver = createPodmanDriver({ image: config.LAYERLAB_SANDBOX_IMAGE, network: config.LAYERLAB_NETWORK, registry: config.LAYERLAB_REGISTRY, diskDir: path.join(dataDir, "disks"), instance });
    for (const s of await driver.list().catch(() => [])) await driver.destroy(s.id).catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  }
}
