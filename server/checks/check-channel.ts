import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { CommandOutput } from "@/lib/checks/check-result";
import { SandboxUnavailableError } from "../sandbox/driver";
import type { SandboxExec } from "./sandbox-exec";

/**
 * One long-lived channel into a sandbox for the checks' commands: a `podman exec -i` running check-agent.pl as the
 * sandbox's root, which runs each request (as the learner unless it says root) with its own timeout and output cap.
 * A `podman exec` per command costs ~250 ms before the command starts; a request on an open channel costs a fork.
 * The channel opens on first use, closes when idle (each open one is a podman client process on the host), and opens
 * again after the sandbox restarted (the old one ends with the sandbox's processes).
 */

let agentSource: string | undefined;

/**
 * The agent's Perl source, read on first use. Read lazily because Next also bundles this module for the routes that
 * import the check runner (only the custom server's runtime opens channels), and a bundle has no import.meta.dirname;
 * there the path falls back to the lab's working directory, the repository.
 */
export function checkAgentSource(): string {
  agentSource ??= readFileSync(path.join(import.meta.dirname ?? path.resolve("server/checks"), "check-agent.pl"), "utf8");
  return agentSource;
}

/** Default cap on what one command may print (stdout and stderr together); beyond it the command is stopped. */
export const CHANNEL_MAX_BYTES = 8 * 2 ** 20;
const DEFAULT_TIMEOUT_MS = 600_000;
/** The agent answers a command within its timeout plus the 2 s it gives a command to die after TERM; more is a wedged channel. */
const ANSWER_GRACE_MS = 10_000;

const hex = z.string().regex(/^(?:[0-9a-f]{2})*$/);
const responseLine = z.tuple([
  z.literal("RES"),
  z.string().regex(/^\d+$/).transform(Number),
  z.string().regex(/^\d+$/).transform(Number),
  z.enum(["0", "1"]),
  z.enum(["0", "1"]),
  hex,
  hex,
]);

/** The channel ended (sandbox stopped, agent killed, protocol broken) before answering. */
export class ChannelClosedError extends Error {}

interface Pending {
  resolve(output: CommandOutput): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface CheckChannelOptions {
  /** The host command that starts the agent with its stdin and stdout as the channel (no tty). */
  command: { file: string; args: string[] };
  /** Told for the sandbox's id in errors. */
  sandboxId: string;
  maxBytes?: number;
  /** Close after this long without a request (default 5 min). */
  idleMs?: number;
  onClose?(): void;
}

export class CheckChannel implements SandboxExec {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private stderrTail = "";
  private ready = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly maxBytes: number;

  constructor(private readonly opts: CheckChannelOptions) {
    this.maxBytes = opts.maxBytes ?? CHANNEL_MAX_BYTES;
  }

  get open(): boolean {
    return this.child !== undefined;
  }

  exec(cmd: string[], o: { user?: "learner" | "root"; timeoutMs?: number; stdin?: string } = {}): Promise<CommandOutput> {
    if (cmd.length === 0) return Promise.reject(new Error("no command"));
    const child = this.child ?? this.start();
    const id = this.nextId++;
    const timeoutMs = Math.max(1, Math.round(o.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    const line = ["REQ", id, o.user ?? "learner", timeoutMs, this.maxBytes, Buffer.from(o.stdin ?? "").toString("hex"), ...cmd.map((a) => Buffer.from(a).toString("hex"))].join(" ") + "\n";
    clearTimeout(this.idleTimer);
    return new Promise<CommandOutput>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new ChannelClosedError(`the check agent in ${this.opts.sandboxId} gave no answer within ${timeoutMs + ANSWER_GRACE_MS} ms`)), timeoutMs + ANSWER_GRACE_MS);
      this.pending.set(id, { resolve, reject, timer });
      child.stdin!.write(line);
    });
  }

  /** Ends the channel: the agent sees its input close and exits; commands under way are answered to nobody. */
  close(): void {
    this.fail(new ChannelClosedError("the check channel was closed"));
  }

  private start(): ChildProcess {
    const child = spawn(this.opts.command.file, this.opts.command.args, { stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    this.ready = false;
    this.chunks = [];
    this.buffered = 0;
    this.stderrTail = "";
    child.stdin!.on("error", () => {});
    child.stdout!.on("data", (chunk: Buffer) => this.child === child && this.receive(chunk));
    child.stderr!.on("data", (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-2000)));
    child.on("error", (error) => this.ended(child, error));
    child.on("close", (code) => this.ended(child, null, code));
    return child;
  }

  private receive(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const line = Buffer.concat([...this.chunks, chunk.subarray(start, nl)]).toString("latin1");
      this.chunks = [];
      this.buffered = 0;
      start = nl + 1;
      if (!this.line(line)) return;
    }
    const rest = chunk.subarray(start);
    this.buffered += rest.length;
    // Both streams hex-encoded, plus the header: anything longer is not the agent speaking.
    if (this.buffered > 2 * this.maxBytes + 256) return this.fail(new ChannelClosedError(`the check agent in ${this.opts.sandboxId} sent an overlong line`));
    if (rest.length) this.chunks.push(Buffer.from(rest));
  }

  /** Handles one line from the agent; false when it broke the protocol (the channel is then closed). */
  private line(text: string): boolean {
    if (!this.ready) {
      if (text === "READY 1") return (this.ready = true);
      this.fail(new ChannelClosedError(`the check agent in ${this.opts.sandboxId} did not start: ${text.slice(0, 200)}`));
      return false;
    }
    const parsed = responseLine.safeParse(text.split(" "));
    const pending = parsed.success ? this.pending.get(parsed.data[1]) : undefined;
    if (!parsed.success || !pending) {
      this.fail(new ChannelClosedError(`the check agent in ${this.opts.sandboxId} sent an unreadable answer`));
      return false;
    }
    const [, id, exitCode, timedOut, cut, out, err] = parsed.data;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    const stderr = Buffer.from(err, "hex").toString("utf8");
    pending.resolve({
      stdout: Buffer.from(out, "hex").toString("utf8"),
      stderr: cut === "1" ? `${stderr}\n[layerlab: the output was cut at ${this.maxBytes} bytes]` : stderr,
      exitCode,
      timedOut: timedOut === "1",
    });
    if (this.pending.size === 0) this.armIdle();
    return true;
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), this.opts.idleMs ?? 5 * 60_000);
    this.idleTimer.unref();
  }

  /** Rejects every request under way with ERROR and ends the agent. */
  private fail(error: Error): void {
    const child = this.child;
    if (child) {
      this.child = undefined;
      child.stdin!.end();
      // Its stdin closed, the agent exits; the podman client is killed in case it does not notice.
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    }
    this.rejectAll(error);
    clearTimeout(this.idleTimer);
    this.opts.onClose?.();
  }

  private ended(child: ChildProcess, error: Error | null, code?: number | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    const detail = error?.message ?? `exit ${code}: ${this.stderrTail.trim()}`;
    this.rejectAll(
      /no such container|container state improper|no container with name or ID|is not running/i.test(this.stderrTail)
        ? new SandboxUnavailableError(this.opts.sandboxId, this.stderrTail.trim())
        : new ChannelClosedError(`the check channel into ${this.opts.sandboxId} ended (${detail})`),
    );
    clearTimeout(this.idleTimer);
    this.opts.onClose?.();
  }

  private rejectAll(error: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(error);
    }
  }
}
