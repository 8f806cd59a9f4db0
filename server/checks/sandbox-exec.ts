import "server-only";
import type { CheckResult, CommandOutput } from "@/lib/checks/check-result";
import type { SandboxDriver } from "../sandbox/driver";
import { engineRequest, type EngineAnswer } from "../sandbox/engine-socket";
import { podmanExecArgs } from "../sandbox/podman-driver";
import { sandboxDisk } from "../sandbox/sandbox-disk";
import { CheckChannel, checkAgentSource } from "./check-channel";

/** The one thing checks need from a sandbox: run a command in it; and, where the lab can, ask its Docker engine directly. */
export interface SandboxExec {
  exec(cmd: string[], opts?: { user?: "learner" | "root"; timeoutMs?: number; stdin?: string }): Promise<CommandOutput>;
  /** A GET on the sandbox's Docker API (engine-socket.ts); absent where the lab cannot reach the socket, and then the CLI answers. */
  engine?(apiPath: string, opts: { timeoutMs: number; maxBytes?: number }): Promise<EngineAnswer>;
  /** Checks that passed in this sandbox, by what decides them; absent where nothing is kept between runs. */
  passed?: Pick<PassedChecks, "get" | "set">;
}

/**
 * Verdicts of checks that start a container from an image (seconds of the engine's work each), kept by the image's id
 * and the spec: the same image answers the same way, so after a learner's `ls` the step is not run again. Only passes
 * are kept: a failure may turn on something besides the image (emulation set up, a port freed) and is always rerun.
 */
export class PassedChecks {
  private readonly results = new Map<string, CheckResult>();

  constructor(private readonly max = 64) {}

  get(key: string): CheckResult | undefined {
    return this.results.get(key);
  }

  set(key: string, result: CheckResult): void {
    this.results.delete(key);
    this.results.set(key, result);
    // The oldest goes first: a sandbox's checks are a few dozen, so this bounds a long-lived sandbox.
    if (this.results.size > this.max) this.results.delete(this.results.keys().next().value!);
  }
}

/** A `podman exec` per command: what the drills use, and the bench's comparison. */
export function sandboxExec(driver: SandboxDriver, sandboxId: string): SandboxExec {
  return { exec: (cmd, opts) => driver.exec(sandboxId, cmd, opts) };
}

/**
 * The checks' way into every learner's sandbox: one check channel per sandbox (opened on first use, closed when
 * idle, opened again after a restart), and the engine asked through its socket on the sandbox's home disk.
 */
export class CheckChannels {
  private readonly channels = new Map<string, CheckChannel>();
  /** Kept as long as the sandbox's channel is open: a sandbox made again, or idle, starts afresh. */
  private readonly passed = new Map<string, PassedChecks>();

  constructor(private readonly opts: { diskDir: string; podman?: string; idleMs?: number; maxBytes?: number }) {}

  for(sandboxId: string): SandboxExec {
    const runDir = `${sandboxDisk(this.opts.diskDir, sandboxId).mountpoint}/.run`;
    return {
      exec: (cmd, o) => this.channel(sandboxId).exec(cmd, o),
      engine: (apiPath, o) => engineRequest(runDir, apiPath, o),
      // Made on the first pass: a sandbox only read through its engine (no channel to close) leaves nothing behind.
      passed: {
        get: (key) => this.passed.get(sandboxId)?.get(key),
        set: (key, result) => (this.passed.get(sandboxId) ?? this.passed.set(sandboxId, new PassedChecks()).get(sandboxId)!).set(key, result),
      },
    };
  }

  /** How many channels are open now. */
  get size(): number {
    return this.channels.size;
  }

  closeAll(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
    this.passed.clear();
  }

  private channel(sandboxId: string): CheckChannel {
    let channel = this.channels.get(sandboxId);
    if (!channel) {
      channel = new CheckChannel({
        sandboxId,
        command: { file: this.opts.podman ?? "podman", args: ["exec", ...podmanExecArgs(sandboxId, ["perl", "-e", checkAgentSource()], { user: "root", interactive: true })] },
        idleMs: this.opts.idleMs,
        maxBytes: this.opts.maxBytes,
        // A closed channel leaves the map; the next request opens a new one (the sandbox may have restarted).
        onClose: () => {
          if (this.channels.get(sandboxId) !== channel) return;
          this.channels.delete(sandboxId);
          this.passed.delete(sandboxId);
        },
      });
      this.channels.set(sandboxId, channel);
    }
    return channel;
  }
}
