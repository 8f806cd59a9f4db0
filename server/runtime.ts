import "server-only";
import type { Config } from "@/lib/config";
import type { CheckScheduler } from "./checks/check-scheduler";
import type { CheckChannels } from "./checks/sandbox-exec";
import type { RateLimits } from "./auth/rate-limit";
import type { LearnerEventBus } from "./events/learner-event-bus";
import type { HealthMonitor } from "./health/lab-health";
import type { StepProgressLog } from "./progress/step-progress";
import type { SandboxDriver } from "./sandbox/driver";
import type { SandboxManager } from "./sandbox/sandbox-manager";
import type { TerminalHub } from "./terminal/terminal-hub";
import type { RoomFeed } from "./workshop/room-feed";
import type { SharedListings } from "./workspace/shared-listing";

/**
 * What the custom server starts once (server/lab.ts) and every request handler shares: all the lab's in-process
 * state lives here and is handed down as arguments.
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
  /** Events to each learner's open pages (verdicts, messages, sandbox changes). */
  events: LearnerEventBus;
  /** The per-address and per-learner limits (sign-ins, joins, sessions, sandbox controls). */
  limits: RateLimits;
  /** The instructors' live room view. */
  roomFeed: RoomFeed;
  /** The editor's change polls, shared between a learner's tabs. */
  listings: SharedListings;
  /** Writes of step progress; lab.ts tells the room feed of each. */
  progress: StepProgressLog;
}

// The one bridge to the runtime: Next bundles route handlers separately from the custom server's own module graph,
// so a module-level variable here would be a different, empty one in every route bundle. The process is shared.
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
