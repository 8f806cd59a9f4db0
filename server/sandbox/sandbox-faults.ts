/**
 * What can go wrong with a learner's running sandbox, how the lab tells it apart, and what it says to the
 * learner after it put things right (pure; the sandbox watchdog and the sandbox manager do the I/O).
 *
 * - "stopped": the container stopped behind the lab's back (`podman kill`, an OOM of its init, a host hiccup);
 *   it is started again with its disk.
 * - "docker": Docker stopped answering on its socket while the sandbox itself answers; Docker is started again.
 * - "memory": the sandbox's OOM killer kept killing programs for `memoryWindowMs` (something refills the memory as
 *   fast as it is freed, so the shell and Docker are killed or crawl); the sandbox is restarted with its disk.
 * - "processes": the sandbox sat at its process limit (or forks failed there) for `processWindowMs` and a command
 *   could not be run in it;
 *   restarted with its disk. Shorter bursts are left to the runaway watchdog, which kills a terminal's fork bomb.
 * - "unresponsive": a command run in it got no answer within the deadline; restarted with its disk.
 */

export type SandboxFault = "stopped" | "docker" | "memory" | "processes" | "unresponsive";

/** What the lab did about it: started the stopped container, restarted the whole sandbox, or only its Docker. */
export type RecoveryAction = "started" | "restarted" | "docker-restarted";

export interface WedgePolicy {
  /** OOM kills in every round for this long is a wedge, not a build that overshot once. */
  memoryWindowMs: number;
  /** Forks failing at the limit for this long (the runaway watchdog has had its turns by then). */
  processWindowMs: number;
  /** Probes in a row that got no answer from Docker before it counts as down (a refused connection counts at once). */
  dockerTimeouts: number;
}

export const DEFAULT_WEDGE_POLICY: WedgePolicy = { memoryWindowMs: 15_000, processWindowMs: 45_000, dockerTimeouts: 2 };

/** One round's reading of a sandbox: its Docker socket and its cgroup counters. */
export interface HealthSample {
  at: number;
  /** "refused": nothing listens on the socket; "missing": no socket (Docker never started or cleaned up). */
  docker: "ok" | "refused" | "missing" | "timeout";
  /** Programs the OOM killer killed in the sandbox since its cgroup was made (memory.oom_control oom_kill). */
  oomKills: number;
  /** Forks refused at the process limit since its cgroup was made (pids.events max). */
  pidsMaxEvents: number;
  /** Processes now, and the limit. */
  pidsCurrent: number;
  pidsMax: number;
}

export interface HealthState {
  previous: HealthSample | null;
  /** Start of the current run of rounds with new OOM kills. */
  oomSince: number | null;
  /** Start of the current run of rounds at the process limit (or with forks refused there). */
  pidsSince: number | null;
  dockerTimeouts: number;
}

export const INITIAL_HEALTH_STATE: HealthState = { previous: null, oomSince: null, pidsSince: null, dockerTimeouts: 0 };

/**
 * What a round makes of a sample: nothing, or a suspicion to confirm by running a command in the sandbox (the
 * expensive part, so it is only paid for when a cheap signal says something is wrong).
 */
export function assessHealth(state: HealthState, sample: HealthSample, policy: WedgePolicy): { state: HealthState; suspect: SandboxFault | null } {
  const previous = state.previous;
  // Counters that went backwards belong to a new cgroup: the sandbox was restarted.
  const fresh = !previous || sample.oomKills < previous.oomKills || sample.pidsMaxEvents < previous.pidsMaxEvents;
  const oomNow = !fresh && sample.oomKills > previous.oomKills;
  // At the limit is enough: a shell refused a fork retries with growing pauses, so refusals do not come every round.
  const pidsNow = (!fresh && sample.pidsMaxEvents > previous.pidsMaxEvents) || sample.pidsCurrent >= sample.pidsMax - 2;
  const next: HealthState = {
    previous: sample,
    oomSince: oomNow ? (state.oomSince ?? previous!.at) : null,
    pidsSince: pidsNow ? (state.pidsSince ?? previous?.at ?? sample.at) : null,
    dockerTimeouts: sample.docker === "timeout" ? state.dockerTimeouts + 1 : 0,
  };
  // The first reading is the baseline: without it a storm under way (which may have killed Docker) cannot be seen.
  if (!previous) return { state: next, suspect: null };
  if (next.oomSince !== null && sample.at - next.oomSince >= policy.memoryWindowMs) return { state: next, suspect: "memory" };
  if (next.pidsSince !== null && sample.at - next.pidsSince >= policy.processWindowMs) return { state: next, suspect: "processes" };
  // Docker killed in a memory or process storm is a symptom: the storm is judged when its window is full.
  if (next.oomSince !== null || next.pidsSince !== null) return { state: next, suspect: null };
  if (sample.docker === "refused" || sample.docker === "missing" || next.dockerTimeouts >= policy.dockerTimeouts) return { state: next, suspect: "docker" };
  return { state: next, suspect: null };
}

/** A command's outcome in the sandbox, as far as the sandbox's health goes. */
export interface ProbeOutcome {
  exitCode: number;
  timedOut: boolean;
  stderr: string;
}

/**
 * Whether a command run in the sandbox shows it wedged, and by what: killed for memory on its way in (137), refused
 * a process (`fork: retry`, EAGAIN), or no answer within its deadline. Null: the sandbox answers.
 */
export function wedgeOf(outcome: ProbeOutcome): Exclude<SandboxFault, "stopped" | "docker"> | null {
  if (outcome.timedOut) return "unresponsive";
  if (/fork: (retry|Resource temporarily unavailable)|Resource temporarily unavailable|Cannot allocate memory|cannot fork/i.test(outcome.stderr)) {
    return /memory/i.test(outcome.stderr) ? "memory" : "processes";
  }
  if (outcome.exitCode === 137) return "memory";
  return null;
}

/** Docker could not be started in a sandbox (layerlab-docker-start failed or was killed). */
export class DockerStartError extends Error {
  constructor(
    readonly sandboxId: string,
    readonly outcome: ProbeOutcome,
    detail: string,
  ) {
    super(`Docker did not start in sandbox ${sandboxId} (${outcome.timedOut ? "no answer in time" : `exit ${outcome.exitCode}`}): ${detail}`);
  }

  /** The start failed because the sandbox is wedged, not because of Docker itself. */
  get wedge(): ReturnType<typeof wedgeOf> {
    return wedgeOf(this.outcome);
  }
}

/**
 * Beyond the watchdog's faults: "removed", the sandbox's container was removed from outside while its disk survived
 * (a new container is made on that disk: "recreated"); "gone", container and disk gone or beyond repair ("replaced").
 */
export type RecoveredFault = SandboxFault | "removed" | "gone";
export type RecoveredAction = RecoveryAction | "recreated" | "replaced";

const WHAT_HAPPENED: Record<RecoveredFault, (limits: { memoryMb: number; pids: number }) => string> = {
  gone: () => "Your sandbox could not be started again (its container and its disk were gone, or it would not start)",
  removed: () => "Your sandbox's container was removed from outside; its disk, which holds your files and images, was not",
  stopped: () => "Your sandbox stopped unexpectedly (its container was stopped or killed from outside)",
  docker: () => "Docker stopped answering in your sandbox",
  memory: ({ memoryMb }) =>
    `Your sandbox ran out of memory: programs in it kept being killed for memory (its limit is ${formatMb(memoryMb)}), so nothing could run`,
  processes: ({ pids }) => `Your sandbox hit its process limit (${pids}) and stayed there, so no new command could start`,
  unresponsive: () => "Your sandbox stopped answering (a command got no answer in time)",
};

const WHAT_WAS_DONE: Record<RecoveredAction, string> = {
  recreated: "the lab made a new container on that same disk",
  replaced: "the lab gave you a new one",
  started: "the lab started it again",
  restarted: "the lab restarted it",
  "docker-restarted": "the lab started Docker again",
};

/**
 * One line for the learner's terminal and page: what happened, what the lab did, and what it means for their work.
 * A restart ends what was running (programs, containers); files and images live on the sandbox's disk and stay.
 */
export function recoveryMessage(fault: RecoveredFault, action: RecoveredAction, limits: { memoryMb: number; pids: number }): string {
  const kept =
    action === "replaced"
      ? "The exercise files of your chapters are back in place, as you last saved them in the editor; other files and images of the old sandbox could not be saved."
      : action === "docker-restarted"
        ? "Your images are kept; containers that were running stopped with it."
        : action === "recreated"
          ? "Your files, images and build cache are kept; programs and containers that were running stopped."
          : "Your files and images are kept; programs and containers that were running stopped.";
  return `${WHAT_HAPPENED[fault](limits)}, so ${WHAT_WAS_DONE[action]}. ${kept}`;
}

function formatMb(mb: number): string {
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : `${mb} MB`;
}
