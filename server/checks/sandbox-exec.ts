import "server-only";
import type { CommandOutput } from "@/lib/checks/check-result";
import type { SandboxDriver } from "../sandbox/driver";

/** The one thing checks need from a sandbox: run a command in it. The lead backs it with the driver. */
export interface SandboxExec {
  exec(cmd: string[], opts?: { user?: "learner" | "root"; timeoutMs?: number; stdin?: string }): Promise<CommandOutput>;
}

export function sandboxExec(driver: SandboxDriver, sandboxId: string): SandboxExec {
  return { exec: (cmd, opts) => driver.exec(sandboxId, cmd, opts) };
}
