import "server-only";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { runHostCommand } from "./host-command";
import { decideRunaway, DEFAULT_RUNAWAY_POLICY, INITIAL_RUNAWAY_STATE, type RunawayPolicy, type RunawaySample, type RunawayState } from "./runaway-policy";

/**
 * Watches learners' running sandboxes for runaways (issue 9): a sandbox that burns its whole CPU share for
 * `windowMs` while its learner types nothing is throttled to `throttleCpus` until they type again; a sandbox
 * stuck at its process limit (a fork bomb) has its terminal's programs killed. Either way the learner is told
 * in their terminal, in plain words, with the way out. What to do is decided by runaway-policy.ts.
 *
 * It reads and writes the sandboxes' cgroups on the host directly (cgroup v1, as podman runs them here): one
 * `podman inspect` per round finds them, the rest is a handful of small file reads, where `podman stats`
 * would cost a process per sandbox. The throttle is a write to the cgroup's CFS quota, not `podman update`,
 * because podman keeps an update in the container's configuration: a restart would keep the throttle, and
 * restarting is one of the ways out the learner is told about.
 */
export interface RunawayWatchdogOptions {
  windowMs: number;
  /** How often each sandbox is sampled. */
  sampleEveryMs?: number;
  /** The CPU a throttled sandbox keeps: enough for its shell to answer, too little to matter to the others. */
  throttleCpus?: number;
  /** The learners' sandboxes to watch (a learner's own, as the sandbox manager's store records it). */
  assignments(): Promise<{ learnerId: string; sandboxId: string }[]>;
  /** Writes one line into the learner's open terminal tabs. */
  notify(learnerId: string, line: string): void;
  podman?: string;
  log?: (message: string, error?: unknown) => void;
}

const CGROUP_ROOT = "/sys/fs/cgroup";

interface Watched {
  learnerId: string;
  cgroupPath: string;
  /** The sandbox's own CFS quota (from its podman configuration), restored when a throttle lifts. */
  quotaUs: number;
  periodUs: number;
  state: RunawayState;
  /** Each task's run + run-queue wait time (ns) at the previous sample, to measure what the sandbox asks for. */
  demand: { at: number; tasks: Map<number, number> } | null;
}

export class RunawayWatchdog {
  private readonly watched = new Map<string, Watched>();
  private readonly lastInput = new Map<string, number>();
  private readonly policy: RunawayPolicy;
  private readonly sampleEveryMs: number;
  private readonly throttleCpus: number;
  private readonly log: (message: string, error?: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly opts: RunawayWatchdogOptions) {
    this.policy = { ...DEFAULT_RUNAWAY_POLICY, windowMs: opts.windowMs };
    this.sampleEveryMs = opts.sampleEveryMs ?? 10_000;
    this.throttleCpus = opts.throttleCpus ?? 0.1;
    this.log = opts.log ?? ((message, error) => console.error(`layerlab runaway watchdog: ${message}`, error ?? ""));
  }

  /** Starts sampling; off (with one line in the log) on a host without cgroup v1 controllers, which it reads. */
  start(): void {
    if (!existsSync(`${CGROUP_ROOT}/cpuacct`) || !existsSync(`${CGROUP_ROOT}/pids`)) {
      this.log("cgroup v1 cpuacct/pids controllers not found under /sys/fs/cgroup: runaway sandboxes are not throttled on this host");
      return;
    }
    this.timer = setInterval(() => {
      if (this.round) return;
      this.round = this.check()
        .catch((error) => this.log("a round failed", error))
        .finally(() => (this.round = null));
    }, this.sampleEveryMs);
    this.timer.unref();
  }

  /** Stops sampling and lifts every throttle it applied (a later lab starts from a clean slate). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
    for (const w of this.watched.values()) if (w.state.throttledAt !== null) await this.setQuota(w, w.quotaUs).catch(() => {});
    this.watched.clear();
  }

  /** The learner typed in their terminal (the hub reports it at most every 30 s, so the window must be longer). */
  noteInput(learnerId: string): void {
    this.lastInput.set(learnerId, Date.now());
  }

  /** What the watchdog makes of a sandbox now (for tests and health): since when it burns its CPU, whether it is throttled. */
  status(sandboxId: string): { busySince: number | null; throttled: boolean } | undefined {
    const w = this.watched.get(sandboxId);
    return w && { busySince: w.state.busySince, throttled: w.state.throttledAt !== null };
  }

  /** One round: every running sandbox of a learner sampled and acted on. */
  async check(): Promise<void> {
    const assignments = await this.opts.assignments();
    const learnerOf = new Map(assignments.map((a) => [a.sandboxId, a.learnerId]));
    const running = await this.inspect([...learnerOf.keys()]);
    for (const id of this.watched.keys()) if (!running.has(id)) this.watched.delete(id);
    for (const [id, found] of running) {
      if (this.stopped) return;
      let w = this.watched.get(id);
      if (!w || w.cgroupPath !== found.cgroupPath) {
        w = { learnerId: learnerOf.get(id)!, ...found, state: INITIAL_RUNAWAY_STATE, demand: null };
        this.watched.set(id, w);
        // A throttle left by a lab that died before lifting it (this one has no record of it).
        if ((await this.readQuota(w)) !== w.quotaUs) await this.setQuota(w, w.quotaUs);
      }
      w.learnerId = learnerOf.get(id)!;
      await this.sample(id, w).catch((error) => this.log(`sampling ${id} failed`, error));
    }
  }

  private async sample(id: string, w: Watched): Promise<void> {
    const read = (controller: string, file: string) => readFile(`${CGROUP_ROOT}/${controller}${w.cgroupPath}/${file}`, "utf8");
    const [usage, current, max, events, cpuDemand] = await Promise.all([
      read("cpuacct", "cpuacct.usage"),
      read("pids", "pids.current"),
      read("pids", "pids.max"),
      read("pids", "pids.events"),
      this.cpuDemand(w),
    ]);
    const sample: RunawaySample = {
      at: Date.now(),
      cpuUsageNs: Number(usage),
      cpuDemand,
      cpuLimit: w.quotaUs > 0 ? w.quotaUs / w.periodUs : availableParallelism(),
      pidsCurrent: Number(current),
      pidsMax: max.trim() === "max" ? Infinity : Number(max),
      pidsMaxEvents: Number(/^max (\d+)/m.exec(events)?.[1] ?? 0),
      lastInputAt: this.lastInput.get(w.learnerId) ?? null,
    };
    const { state, actions } = decideRunaway(w.state, sample, this.policy);
    w.state = state;
    for (const action of actions) {
      if (action.type === "throttle") {
        await this.setQuota(w, Math.max(1000, Math.round(w.periodUs * this.throttleCpus)));
        this.opts.notify(
          w.learnerId,
          `Your sandbox has kept all of its CPU busy for ${duration(this.policy.windowMs)} while nobody typed here, so the lab slowed it down to share the machine fairly. ` +
            `Type anything in this terminal and it runs at full speed again (restarting your sandbox does too).`,
        );
      } else if (action.type === "lift") {
        await this.setQuota(w, w.quotaUs);
        this.opts.notify(w.learnerId, "Your sandbox runs at full speed again.");
      } else {
        // Killed first, so the notice comes after the bomb's last "fork: retry" lines rather than among them.
        const killed = await killTerminalPrograms(w.cgroupPath);
        if (action.notify) {
          this.opts.notify(
            w.learnerId,
            `Your sandbox hit its process limit (${sample.pidsMax}): a program was starting processes without end, like a fork bomb. ` +
              (killed > 0
                ? "The lab stopped the programs started from your terminal; your files are safe. If the terminal doesn't answer, press Ctrl-C; if it still doesn't, restart your sandbox."
                : "Press Ctrl-C; if the terminal doesn't answer, restart your sandbox (your files are kept)."),
          );
        }
        this.log(`${id} was at its process limit (${sample.pidsCurrent}/${sample.pidsMax}): killed ${killed} processes started from its terminal`);
      }
    }
  }

  /**
   * CPUs the sandbox's tasks ran or waited on a run queue since the previous sample, from each task's schedstat.
   * cpuacct alone would say what the sandbox got, which on a crowded host is well under what a runaway takes
   * when it can. A task that appeared since counts whole (it began after the previous sample); one that exited
   * is left out (a slight undercount).
   */
  private async cpuDemand(w: Watched): Promise<number | null> {
    const at = Date.now();
    const tids = (await readFile(`${CGROUP_ROOT}/cpu${w.cgroupPath}/tasks`, "utf8")).split("\n").filter(Boolean).map(Number);
    const tasks = new Map<number, number>();
    await Promise.all(
      tids.map(async (tid) => {
        const stat = await readFile(`/proc/${tid}/schedstat`, "utf8").catch(() => null);
        if (!stat) return;
        const [run, wait] = stat.split(" ").map(Number);
        tasks.set(tid, run + wait);
      }),
    );
    const previous = w.demand;
    w.demand = { at, tasks };
    if (!previous || at <= previous.at) return null;
    let ns = 0;
    for (const [tid, total] of tasks) ns += Math.max(0, total - (previous.tasks.get(tid) ?? 0));
    return ns / ((at - previous.at) * 1e6);
  }

  /** Which of `ids` are running, with their cgroup and configured CPU quota; one podman call for all. */
  private async inspect(ids: string[]): Promise<Map<string, Omit<Watched, "learnerId" | "state" | "demand">>> {
    const found = new Map<string, Omit<Watched, "learnerId" | "state" | "demand">>();
    if (!ids.length) return found;
    // Exits non-zero when one of them is gone; the others are still printed.
    const result = await runHostCommand(this.opts.podman ?? "podman", ["inspect", "--type", "container", "--format", "{{.Name}}\t{{.State.Running}}\t{{.State.CgroupPath}}\t{{.HostConfig.CpuQuota}}\t{{.HostConfig.CpuPeriod}}", ...ids]);
    for (const line of result.stdout.toString("utf8").split("\n")) {
      const [name, running, cgroupPath, quota, period] = line.split("\t");
      if (running !== "true" || !cgroupPath?.startsWith("/")) continue;
      found.set(name, { cgroupPath, quotaUs: Number(quota) || -1, periodUs: Number(period) || 100_000 });
    }
    return found;
  }

  private async readQuota(w: Watched): Promise<number> {
    return Number(await readFile(`${CGROUP_ROOT}/cpu${w.cgroupPath}/cpu.cfs_quota_us`, "utf8"));
  }

  private async setQuota(w: Watched, quotaUs: number): Promise<void> {
    await writeFile(`${CGROUP_ROOT}/cpu${w.cgroupPath}/cpu.cfs_quota_us`, String(quotaUs));
  }
}

function duration(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 6000) / 10} minutes` : `${Math.round(ms / 1000)} seconds`;
}

interface ProcStat {
  pid: number;
  ppid: number;
  session: number;
  comm: string;
}

async function procStat(pid: number): Promise<ProcStat | null> {
  const text = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  if (!text) return null;
  // "pid (comm) state ppid pgrp session …"; comm may itself hold spaces and parentheses.
  const close = text.lastIndexOf(")");
  const [, ppid, , session] = text.slice(close + 2).split(" ");
  return { pid, ppid: Number(ppid), session: Number(session), comm: text.slice(text.indexOf("(") + 1, close) };
}

/**
 * Kills every process that was started from the learner's terminal, keeping the terminal's shells: the processes
 * in the session of a shell that tmux started (a fork bomb's copies keep that session when their parents die and
 * they are re-parented to the sandbox's init). Docker, its containers, tmux and the sandbox's init are in other
 * sessions and live on, and so do the lab's own `podman exec`s. The sandbox is frozen while its processes are
 * listed and signalled, so a bomb cannot fork past the kill; a few rounds catch what was mid-fork.
 * Returns how many processes were killed.
 */
export async function killTerminalPrograms(cgroupPath: string): Promise<number> {
  const freezer = `${CGROUP_ROOT}/freezer${cgroupPath}/freezer.state`;
  let killed = 0;
  for (let round = 0; round < 10; round++) {
    const targets: number[] = [];
    await writeFile(freezer, "FROZEN");
    try {
      for (let wait = 0; wait < 20 && (await readFile(freezer, "utf8")).trim() !== "FROZEN"; wait++) await sleep(50);
      const pids = (await readFile(`${CGROUP_ROOT}/pids${cgroupPath}/cgroup.procs`, "utf8")).split("\n").filter(Boolean).map(Number);
      const stats = (await Promise.all(pids.map(procStat))).filter((s): s is ProcStat => s !== null);
      const tmux = new Set(stats.filter((s) => s.comm.startsWith("tmux")).map((s) => s.pid));
      const shells = new Set(stats.filter((s) => s.session === s.pid && tmux.has(s.ppid)).map((s) => s.pid));
      for (const s of stats) if (shells.has(s.session) && !shells.has(s.pid)) targets.push(s.pid);
      for (const pid of targets) {
        try {
          process.kill(pid, "SIGKILL");
          killed++;
        } catch {
          // exited meanwhile
        }
      }
    } finally {
      // SIGKILL takes effect as the processes thaw.
      await writeFile(freezer, "THAWED");
    }
    if (!targets.length) break;
    await sleep(100);
  }
  return killed;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
