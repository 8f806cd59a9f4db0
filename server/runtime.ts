import "server-only";
import type { Config } from "@/lib/config";
import type { CheckScheduler } from "./checks/check-scheduler";
import type { CheckChannels } from "./checks/sandbox-exec";
import type { HealthMonitor } from "./health/lab-health";
import type { SandboxDriver } from "./sandbox/driver";
import type { SandboxManager } from "./sandbox/sandbox-manager";
import type { TerminalHub } from "./terminal/terminal-hub";

/**
 * What the custom server starts once and every request handler shares. Next bundles route handlers
 * separately from the custom server's own module graph, so the instance lives on globalThis.
 */
export interface LabRuntime {
  config: Config;
  driver: SandboxDriver;
  sandboxes: SandboxManager;
  terminals: TerminalHub;
  checks: CheckScheduler;
  /** The way into each sandbox for checks: its long-lived check channel and its engine's socket. */
  checkChannels: CheckChannels;
  /** /api/health's checks of every part the lab depends on, cached briefly. */
  health: HealthMonitor;
  /** Learners whose drill check runs now: one at a time each, as every check builds and runs containers. */
  drillChecks: Set<string>;
}

const slot = globalThis as unknown as { layerlabRuntime?: LabRuntime };

export function setRuntime(runtime: LabRuntime): void {
  slot.layerlabRuntime = runtime;
}

/** The runtime, or undefined while the lab is still starting (the health route says so instead of failing). */
export function findRuntime(): LabRuntime | undefined {
  return slot.layerlabRuntime;
}

/** For the route layer only (server/http/route-guards.ts): below it, what a use case needs is handed to it. */
export function getRuntime(): LabRuntime {
  if (!slot.layerlabRuntime) throw new Error("layerlab runtime not started: run the app through server/index.ts");
  return slot.layerlabRuntime;
}
