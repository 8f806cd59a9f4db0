/**
 * When the runaway watchdog acts on a sandbox, decided from samples alone (pure; the watchdog does the I/O).
 *
 * - CPU: a sandbox that asked for at least `busyFraction` of its CPU share in every sample for `windowMs`, while
 *   its learner typed nothing for as long, is throttled; it is lifted when the learner types again (a restart gives
 *   the sandbox a fresh cgroup, so it comes back unthrottled by itself).
 * - Processes: a sandbox at its process limit in `forkBombSamples` samples in a row is running a fork bomb (or
 *   something as bad): its terminal's programs are killed, and the learner told at most once per `noticeEveryMs`.
 */

export interface RunawayPolicy {
  windowMs: number;
  /** Share of the sandbox's CPU limit that counts as "burning it all" (the rest is measuring noise). */
  busyFraction: number;
  /** Consecutive samples at the process limit before the watchdog steps in (one could be a short burst). */
  forkBombSamples: number;
  /** The fork-bomb notice is repeated at most this often while the sandbox stays at its limit. */
  noticeEveryMs: number;
}

export const DEFAULT_RUNAWAY_POLICY: Omit<RunawayPolicy, "windowMs"> = { busyFraction: 0.9, forkBombSamples: 2, noticeEveryMs: 60_000 };

/** What the watchdog read for one sandbox at one moment. */
export interface RunawaySample {
  at: number;
  /** CPU time the sandbox used since its cgroup was made (cpuacct.usage), in nanoseconds: it only grows until a restart. */
  cpuUsageNs: number;
  /**
   * CPUs the sandbox's tasks ran or waited to run, on average since the previous sample (null on the first).
   * Not what it got: on a busy host a runaway gets less than its share, but it keeps asking for all of it.
   */
  cpuDemand: number | null;
  /** The sandbox's own CPU limit in CPUs (not the throttled one). */
  cpuLimit: number;
  pidsCurrent: number;
  pidsMax: number;
  /** How often a fork failed at the limit since the cgroup was made (pids.events "max"). */
  pidsMaxEvents: number;
  /** When the learner last typed in their terminal, if ever since the lab started. */
  lastInputAt: number | null;
}

export interface RunawayState {
  previous: Pick<RunawaySample, "at" | "cpuUsageNs" | "pidsMaxEvents"> | null;
  /** Start of the current run of samples at the CPU limit. */
  busySince: number | null;
  throttledAt: number | null;
  samplesAtPidsLimit: number;
  forkBombNoticeAt: number | null;
}

export type RunawayAction = { type: "throttle" } | { type: "lift" } | { type: "kill-runaway"; notify: boolean };

export const INITIAL_RUNAWAY_STATE: RunawayState = { previous: null, busySince: null, throttledAt: null, samplesAtPidsLimit: 0, forkBombNoticeAt: null };

export function decideRunaway(state: RunawayState, sample: RunawaySample, policy: RunawayPolicy): { state: RunawayState; actions: RunawayAction[] } {
  const previous = state.previous;
  // A counter that went backwards is a new cgroup: the sandbox was restarted, which also dropped any throttle.
  if (previous && (sample.cpuUsageNs < previous.cpuUsageNs || sample.pidsMaxEvents < previous.pidsMaxEvents || sample.at <= previous.at)) {
    return { state: { ...INITIAL_RUNAWAY_STATE, previous: pick(sample) }, actions: [] };
  }
  const next: RunawayState = { ...state, previous: pick(sample) };
  const actions: RunawayAction[] = [];

  if (previous) {
    const busy = sample.cpuDemand !== null && sample.cpuDemand >= policy.busyFraction * sample.cpuLimit;
    next.busySince = busy ? (state.busySince ?? previous.at) : null;
  }
  const quietFor = sample.lastInputAt === null ? Infinity : sample.at - sample.lastInputAt;
  if (state.throttledAt !== null) {
    if (sample.lastInputAt !== null && sample.lastInputAt > state.throttledAt) {
      next.throttledAt = null;
      next.busySince = null;
      actions.push({ type: "lift" });
    }
  } else if (next.busySince !== null && sample.at - next.busySince >= policy.windowMs && quietFor >= policy.windowMs) {
    next.throttledAt = sample.at;
    actions.push({ type: "throttle" });
  }

  const forkFailed = previous !== null && sample.pidsMaxEvents > previous.pidsMaxEvents;
  next.samplesAtPidsLimit = forkFailed || sample.pidsCurrent >= sample.pidsMax ? state.samplesAtPidsLimit + 1 : 0;
  if (next.samplesAtPidsLimit >= policy.forkBombSamples) {
    next.samplesAtPidsLimit = 0;
    const notify = state.forkBombNoticeAt === null || sample.at - state.forkBombNoticeAt >= policy.noticeEveryMs;
    if (notify) next.forkBombNoticeAt = sample.at;
    actions.push({ type: "kill-runaway", notify });
  }
  return { state: next, actions };
}

function pick(sample: RunawaySample): RunawayState["previous"] {
  return { at: sample.at, cpuUsageNs: sample.cpuUsageNs, pidsMaxEvents: sample.pidsMaxEvents };
}
