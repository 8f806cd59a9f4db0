import "server-only";
import { spawn } from "node:child_process";

/** What a finished host process left behind; output stays binary so file contents survive intact. */
export interface HostCommandResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
  /** The process was killed because it outlived killAfterMs. */
  killed: boolean;
}

export interface HostCommandOptions {
  stdin?: string | Buffer;
  /** Kill the process (SIGKILL) if it runs longer than this. */
  killAfterMs?: number;
}

/** Thrown when a host command exits non-zero where the caller needs it to succeed. */
export class HostCommandError extends Error {
  constructor(
    readonly file: string,
    readonly args: readonly string[],
    readonly result: HostCommandResult,
  ) {
    const detail = result.stderr.trim() || result.stdout.toString("utf8").trim();
    super(`${file} ${args.join(" ")} exited ${result.exitCode}${result.killed ? " (killed after its time limit)" : ""}: ${detail}`);
  }
}

/**
 * Runs a program on the host with an argument array (never a shell string, so no quoting bugs and
 * no injection through ids or paths) and collects its output.
 */
export function runHostCommand(file: string, args: readonly string[], opts: HostCommandOptions = {}): Promise<HostCommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: [opts.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let killed = false;
    const timer =
      opts.killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            killed = true;
            child.kill("SIGKILL");
          }, opts.killAfterMs);
    child.stdout!.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr!.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString("utf8"),
        exitCode: code ?? (signal ? 128 + (signalNumbers[signal] ?? 0) : 1),
        killed,
      });
    });
    if (opts.stdin !== undefined) {
      // A process that exits without reading all of its input must not crash the server with EPIPE.
      child.stdin!.on("error", () => {});
      child.stdin!.end(opts.stdin);
    }
  });
}

/** Like runHostCommand, but a non-zero exit is an error. */
export async function runHostCommandOk(file: string, args: readonly string[], opts: HostCommandOptions = {}): Promise<HostCommandResult> {
  const result = await runHostCommand(file, args, opts);
  if (result.exitCode !== 0) throw new HostCommandError(file, args, result);
  return result;
}

const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
