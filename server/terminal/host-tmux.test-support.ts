import "server-only";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PtyCommand, SandboxDriver } from "@/server/sandbox/driver";

const IMAGE_ETC = path.resolve("scripts/images/sandbox/rootfs/etc");

/**
 * A stand-in for the sandbox driver that runs tmux on this host, configured like the sandbox image (its
 * tmux.conf and its bashrc with the OSC 133 prompt marks), one tmux server per "sandbox". It lets the terminal
 * tests run in seconds without podman; the integration test does the same against real sandboxes.
 */
export function hostTmuxDriver(): Pick<SandboxDriver, "ptyCommand"> & { socketOf(id: string): string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "layerlab-tmux-"));
  const conf = path.join(dir, "tmux.conf");
  fs.writeFileSync(
    conf,
    [`source-file ${IMAGE_ETC}/tmux.conf`, `set -g default-command "exec bash --noprofile --rcfile ${IMAGE_ETC}/bash.bashrc -i"`, ""].join("\n"),
  );
  const sockets = new Set<string>();
  return {
    socketOf: (id) => path.join(dir, `${id}.sock`),
    ptyCommand(id, command) {
      if (command[0] !== "tmux") throw new Error(`host tmux driver runs only tmux, not ${command[0]}`);
      const socket = path.join(dir, `${id}.sock`);
      sockets.add(socket);
      return { file: "tmux", args: ["-S", socket, "-f", conf, ...command.slice(1)] };
    },
    cleanup() {
      for (const socket of sockets) {
        try {
          execFileSync("tmux", ["-S", socket, "kill-server"], { stdio: "ignore" });
        } catch {
          // already gone
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The same tmux client with every message it sends its server after the first held back 300 ms (strace's fault
 * injection): the server then reads the lab's commands from the client's stdin before the client's own command (the
 * attach) arrives, which a loaded machine does now and then by itself.
 */
export function lateAttach(command: PtyCommand): PtyCommand {
  const inject = ["-e", "trace=sendmsg", "-e", "inject=sendmsg:delay_enter=300000:when=2+"];
  return { file: "strace", args: ["-qq", "-o", "/dev/null", ...inject, command.file, ...command.args] };
}
