import "server-only";
import type { CommandOutput } from "@/lib/checks/check-result";
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

  constructor(private readonly opts: { diskDir: string; podman?: string; idleMs?: number; maxBytes?: number }) {}

  for(sandboxId: string): SandboxExec {
    const runDir = `${sandboxDisk(this.opts.diskDir, sandboxId).mountpoint}/.run`;
    return {
      exec: (cmd, o) => this.channel(sandboxId).exec(cmd, o),
      engine: (apiPath, o) => engineRequest(runDir, apiPath, o),
    };
  }

  /** How many channels are open now. */
  get size(): number {
    return this.channels.size;
  }

  closeAll(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
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
          if (this.channels.get(sandboxId) === channel) this.channels.delete(sandboxId);
        },
      });
      this.channels.set(sandboxId, channel);
    }
    return channel;
  }
}
