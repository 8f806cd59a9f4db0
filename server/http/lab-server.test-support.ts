import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A real lab server process (server/index.ts, as `npm start` runs it after set-up; needs a current `next build`)
 * on a free loopback port with its own instance label and data directory, and probes of what the process holds:
 * its open fds and its sockets in CLOSE-WAIT. Used by the edge's integration test and by bench/abuse.bench.ts.
 */
export interface LabServer {
  pid: number;
  port: number;
  base: string;
  origin: string;
  dataDir: string;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGKILL, as a crash or the OOM killer would: no shutdown code runs. The data directory stays. */
  kill(): Promise<void>;
  /** SIGTERM (SIGKILL after 30 s), then removes the data directory unless the caller passed its own. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `dataDir`: start on an existing data directory and database (a restart); the caller then removes it. */
export async function startLabServer(options: { instance: string; env?: Record<string, string>; dataDir?: string }): Promise<LabServer> {
  const port = await freePort();
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `layerlab-${options.instance}-`));
  const child: ChildProcess = spawn(process.execPath, ["--import", "./server/register.mjs", "server/index.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      LAYERLAB_INSTANCE: options.instance,
      LAYERLAB_DATA_DIR: dataDir,
      DATABASE_URL: `file:${path.join(dataDir, "layerlab.db")}`,
      // No spare sandbox: nothing here needs one, and none is left behind.
      LAYERLAB_POOL_SIZE: "0",
      LAYERLAB_DEV: "0",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the lab server exited (${child.exitCode}):\n${output}`);
    if (await fetch(`${base}/api/health`).then((r) => r.status < 500, () => false)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the lab server did not answer within 3 minutes:\n${output}`);
    }
    await sleep(300);
  }

  return {
    pid: child.pid!,
    port,
    base,
    origin: base,
    dataDir,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const killed = setTimeout(() => child.kill("SIGKILL"), 30_000);
        await exited;
        clearTimeout(killed);
      }
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** How many fds the process has open. */
export function openFds(pid: number): number {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}

/** TCP sockets on this local port in CLOSE-WAIT (the peer closed; the server never did), from the kernel's tables. */
export function closeWaitSockets(pid: number, port: number): number {
  const CLOSE_WAIT = "08";
  let count = 0;
  for (const table of ["tcp", "tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4) continue;
      const localPort = parseInt(fields[1].split(":")[1], 16);
      if (localPort === port && fields[3] === CLOSE_WAIT) count++;
    }
  }
  return count;
}

/**
 * Polls until `read()` is at most `limit`, and returns the last value read (the caller asserts on it). Sockets are
 * freed when their peers' FINs arrive and lingering refusals time out, so the count settles, at its own pace.
 */
export async function settle(read: () => number, limit: number, deadlineMs = 30_000): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let value = read();
  while (value > limit && Date.now() < deadline) {
    await sleep(250);
    value = read();
  }
  return value;
}

/** The fd count once it stops moving (the same value over a few polls), to take as a baseline. */
export async function steadyFds(pid: number, deadlineMs = 30_000): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let last = openFds(pid);
  let same = 0;
  while (same < 4 && Date.now() < deadline) {
    await sleep(250);
    const now = openFds(pid);
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

export interface RawExchange {
  /** What the server sent back, as latin1 text. */
  response: string;
  /** The status of the first response line, or null when the server sent none. */
  status: number | null;
  /** Whether the server closed the connection (rather than our deadline ending it). */
  closedByServer: boolean;
}

/**
 * Sends raw bytes on a fresh TCP connection and reads until the server closes it. `halfClose` ends our side right
 * after sending (a half-open client); `localAddress` picks the loopback address to come from (a different peer).
 */
export function rawExchange(
  port: number,
  bytes: string | Buffer,
  options: { halfClose?: boolean; localAddress?: string; deadlineMs?: number; then?: (socket: net.Socket) => void } = {},
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: "127.0.0.1", localAddress: options.localAddress });
    const chunks: Buffer[] = [];
    let closedByServer = false;
    const timer = setTimeout(() => socket.destroy(), options.deadlineMs ?? 20_000);
    socket.on("connect", () => {
      socket.write(bytes);
      if (options.halfClose) socket.end();
      options.then?.(socket);
    });
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("end", () => {
      closedByServer = true;
      socket.destroy();
    });
    socket.on("error", () => {
      closedByServer = true;
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const response = Buffer.concat(chunks).toString("latin1");
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(response);
      resolve({ response, status: match ? Number(match[1]) : null, closedByServer });
    });
  });
}

/** Head and body of a raw HTTP response, the body de-chunked when it came chunked. */
export function splitResponse(raw: string): { head: string; body: string } {
  const at = raw.indexOf("\r\n\r\n");
  if (at < 0) return { head: raw, body: "" };
  const head = raw.slice(0, at);
  let body = raw.slice(at + 4);
  if (/^transfer-encoding: chunked/im.test(head)) {
    let decoded = "";
    for (;;) {
      const line = body.indexOf("\r\n");
      const size = parseInt(body.slice(0, line), 16);
      if (!(size > 0)) break;
      decoded += body.slice(line + 2, line + 2 + size);
      body = body.slice(line + 2 + size + 2);
    }
    body = decoded;
  }
  return { head, body: Buffer.from(body, "latin1").toString("utf8") };
}

export function httpRequest(
  method: string,
  target: string,
  headers: Record<string, string | string[]>,
  body?: string,
): Buffer {
  const lines = [`${method} ${target} HTTP/1.1`];
  const all = { connection: "close", ...headers, ...(body === undefined ? {} : { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) }) };
  for (const [name, value] of Object.entries(all)) for (const v of [value].flat()) lines.push(`${name}: ${v}`);
  // latin1 keeps each char one byte, so a test can put any byte into a header; UTF-8 text is encoded by the caller.
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), Buffer.from(body ?? "", "utf8")]);
}

export function upgradeRequest(target: string, headers: Record<string, string | string[]>): Buffer {
  return httpRequest("GET", target, {
    connection: "Upgrade",
    upgrade: "websocket",
    "sec-websocket-version": "13",
    "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    ...headers,
  });
}
