import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { SandboxUnavailableError, type SandboxDriver } from "./driver";
import { pingEngine } from "./engine-socket";
import { runHostCommand } from "./host-command";
import { assessHealth, DEFAULT_WEDGE_POLICY, INITIAL_HEALTH_STATE, wedgeOf, type HealthSample, type HealthState, type SandboxFault, type WedgePolicy } from "./sandbox-faults";

/**
 * Keeps learners' running sandboxes working (issue 10): Docker that stops answering is started again, a sandbox
 * that stopped behind the lab's back is started again, and one wedged by memory or process exhaustion is restarted,
 * its disk (files, images) kept. The manager does the repair (SandboxManager.recover) and tells the learner.
 *
 * A sibling of the runaway watchdog (which throttles CPU hogs and kills fork bombs) with the same shape: a timer,
 * one round at a time, cheap reads per sandbox, the decision in a pure module (sandbox-faults.ts). The cheap part
 * is what every round pays for every sandbox:
 * - Docker: a `GET /_ping` on the engine's socket, reached from the host through the sandbox's home disk mount
 *   (no process started; ~2-10 ms of waiting, next to no CPU), where `docker info` through `podman exec` costs
 *   ~250 ms of host CPU: at 50 sandboxes every 5 s that alone would take 2.5 cores.
 * - Memory and processes: four small files of the sandbox's cgroup (OOM kills; processes, their limit, forks refused).
 * Only a suspicion from those is confirmed with one `podman exec` (does a command still run, and how it fails).
 */
export interface SandboxWatchdogOptions {
  /** Learners' sandboxes to watch: running, and not in the middle of an operation (SandboxManager.watched). */
  sandboxes(): { learnerId: string; sandboxId: string }[];
  /** Where the sandboxes' home disks are mounted on the host (the driver's diskDir). */
  diskDir: string;
  exec: SandboxDriver["exec"];
  /** Puts the sandbox right (SandboxManager.recover); the learner is told from there. */
  recover(learnerId: string, sandboxId: string, fault: SandboxFault): Promise<void>;
  /** Default 5 s: a dead Docker is noticed within that, at the cost above. */
  intervalMs?: number;
  /** Docker must answer its ping within this. */
  pingTimeoutMs?: number;
  /**
   * A command must answer within this when a memory or process storm is checked (default 5 s; `true` takes ~0.3 s,
   * and the storm has gone on for its whole window already), or within `dockerProbeTimeoutMs` (default 15 s) when only
   * Docker is down, where a slow answer more likely means a busy host than a wedged sandbox.
   */
  probeTimeoutMs?: number;
  dockerProbeTimeoutMs?: number;
  policy?: Partial<WedgePolicy>;
  /** At most this many repairs of one sandbox per `repairWindowMs`: a sandbox that wedges itself again at once (a container restarting forever) is left alone. */
  maxRepairs?: number;
  repairWindowMs?: number;
  /** Told once when a sandbox has had its `maxRepairs` (for the learner). */
  gaveUp?(learnerId: string, sandboxId: string): void;
  podman?: string;
  log?: (message: string, error?: unknown) => void;
}

const CGROUP_ROOT = "/sys/fs/cgroup";

interface Watched {
  state: HealthState;
  repairs: number[];
  gaveUp: boolean;
}

export class SandboxWatchdog {
  private readonly watched = new Map<string, Watched>();
  private readonly cgroups = new Map<string, string>();
  private readonly repairing = new Set<string>();
  private readonly policy: WedgePolicy;
  private readonly log: (message: string, error?: unknown) => void;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | null = null;
  private readonly repairs = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly opts: SandboxWatchdogOptions) {
    this.policy = { ...DEFAULT_WEDGE_POLICY, ...opts.policy };
    this.log = opts.log ?? ((message, error) => console.error(`layerlab sandbox watchdog: ${message}`, error ?? ""));
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.round || this.stopped) return;
      this.round = this.check()
        .catch((error) => this.log("a round failed", error))
        .finally(() => (this.round = null));
    }, this.opts.intervalMs ?? 5000);
    this.timer.unref();
  }

  /** Stops probing and waits for repairs under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
    await Promise.allSettled([...this.repairs]);
  }

  /** One round: every watched sandbox probed, suspicions confirmed, repairs started (not awaited). */
  async check(): Promise<void> {
    const list = this.opts.sandboxes().filter((s) => !this.repairing.has(s.sandboxId));
    const ids = new Set(list.map((s) => s.sandboxId));
    for (const id of this.watched.keys()) if (!ids.has(id) && !this.repairing.has(id)) this.watched.delete(id);
    for (const id of this.cgroups.keys()) if (!ids.has(id)) this.cgroups.delete(id);
    await this.findCgroups(list.map((s) => s.sandboxId).filter((id) => !this.cgroups.has(id)));
    await Promise.all(list.map((s) => this.checkOne(s.learnerId, s.sandboxId).catch((error) => this.log(`checking ${s.sandboxId} failed`, error))));
  }

  private async checkOne(learnerId: string, sandboxId: string): Promise<void> {
    let w = this.watched.get(sandboxId);
    if (!w) this.watched.set(sandboxId, (w = { state: INITIAL_HEALTH_STATE, repairs: [], gaveUp: false }));
    const [docker, counters] = await Promise.all([
      pingDocker(path.join(this.opts.diskDir, sandboxId, ".run"), this.opts.pingTimeoutMs ?? 3000),
      this.counters(sandboxId),
    ]);
    const previous = w.state.previous;
    const sample: HealthSample = {
      at: Date.now(),
      docker,
      // Unreadable (stopped, restarted into a new cgroup): the last values, so no change is seen this round.
      oomKills: counters?.oomKills ?? previous?.oomKills ?? 0,
      pidsMaxEvents: counters?.pidsMaxEvents ?? previous?.pidsMaxEvents ?? 0,
      pidsCurrent: counters?.pidsCurrent ?? 0,
      pidsMax: counters?.pidsMax ?? Infinity,
    };
    const { state, suspect } = assessHealth(w.state, sample, this.policy);
    w.state = state;
    if (!suspect || this.stopped) return;

    const fault = await this.confirm(sandboxId, suspect, sample);
    if (!fault || this.stopped) return;
    const now = Date.now();
    w.repairs = w.repairs.filter((at) => now - at < (this.opts.repairWindowMs ?? 10 * 60_000));
    if (w.repairs.length >= (this.opts.maxRepairs ?? 3)) {
      if (!w.gaveUp) {
        w.gaveUp = true;
        this.log(`${sandboxId} of ${learnerId} needed ${w.repairs.length} repairs lately (now: ${fault}); leaving it alone`);
        this.opts.gaveUp?.(learnerId, sandboxId);
      }
      return;
    }
    w.repairs.push(now);
    w.gaveUp = false;
    this.log(`${sandboxId} of ${learnerId}: ${fault} (suspected from ${suspect}, Docker ${docker}); repairing`);
    this.repairing.add(sandboxId);
    const repair = this.opts
      .recover(learnerId, sandboxId, fault)
      .catch((error) => this.log(`repairing ${sandboxId} of ${learnerId} failed`, error))
      .finally(() => {
        this.repairing.delete(sandboxId);
        this.cgroups.delete(sandboxId);
        // Counters start over in the restarted sandbox's cgroup; its history of repairs stays.
        const after = this.watched.get(sandboxId);
        if (after) after.state = INITIAL_HEALTH_STATE;
        this.repairs.delete(repair);
      });
    this.repairs.add(repair);
  }

  /**
   * Runs one command in the sandbox to tell what is wrong: it does not run (stopped), it fails the way a wedged
   * sandbox fails (killed for memory, no process, no answer), or it runs (then only Docker is down, or a memory
   * storm the OOM killer copes with, which is left alone while Docker answers).
   */
  private async confirm(sandboxId: string, suspect: SandboxFault, sample: HealthSample): Promise<SandboxFault | null> {
    let outcome;
    try {
      const timeoutMs = suspect === "docker" ? (this.opts.dockerProbeTimeoutMs ?? 15_000) : (this.opts.probeTimeoutMs ?? 5000);
      outcome = await this.opts.exec(sandboxId, ["true"], { user: "root", timeoutMs });
    } catch (error) {
      if (error instanceof SandboxUnavailableError) return "stopped";
      throw error;
    }
    const wedge = wedgeOf(outcome);
    if (wedge) return suspect === "docker" ? wedge : suspect;
    if (suspect === "docker") {
      // Docker killed as a memory storm began: the storm is judged once its window is full, not Docker alone.
      const after = await this.counters(sandboxId);
      return after && after.oomKills > sample.oomKills ? null : "docker";
    }
    // Commands run: a memory storm that killed Docker is still a wedge for the learner; one that spares it is not.
    return suspect === "memory" && sample.docker !== "ok" ? "memory" : null;
  }

  /** The cgroup of each new sandbox, one podman call for all (it stays the same while the sandbox runs). */
  private async findCgroups(ids: string[]): Promise<void> {
    if (!ids.length) return;
    // Exits non-zero when one of them is gone; the others are still printed.
    const result = await runHostCommand(this.opts.podman ?? "podman", ["inspect", "--type", "container", "--format", "{{.Name}}\t{{.State.Running}}\t{{.State.CgroupPath}}", ...ids]);
    for (const line of result.stdout.toString("utf8").split("\n")) {
      const [name, running, cgroupPath] = line.split("\t");
      if (running === "true" && cgroupPath?.startsWith("/")) this.cgroups.set(name, cgroupPath);
    }
  }

  private async counters(sandboxId: string): Promise<Pick<HealthSample, "oomKills" | "pidsMaxEvents" | "pidsCurrent" | "pidsMax"> | null> {
    const cgroupPath = this.cgroups.get(sandboxId);
    if (!cgroupPath) return null;
    try {
      const read = (controller: string, file: string) => readFile(`${CGROUP_ROOT}/${controller}${cgroupPath}/${file}`, "utf8");
      const [oom, events, current, max] = await Promise.all([read("memory", "memory.oom_control"), read("pids", "pids.events"), read("pids", "pids.current"), read("pids", "pids.max")]);
      return {
        oomKills: Number(/^oom_kill (\d+)/m.exec(oom)?.[1] ?? 0),
        pidsMaxEvents: Number(/^max (\d+)/m.exec(events)?.[1] ?? 0),
        pidsCurrent: Number(current),
        pidsMax: max.trim() === "max" ? Infinity : Number(max),
      };
    } catch {
      // Restarted (a new cgroup) or stopped: found again next round.
      this.cgroups.delete(sandboxId);
      return null;
    }
  }
}

/** Asks the sandbox's Docker engine for `GET /_ping` on its socket in `runDir` (the learner's ~/.run as the host sees it); see engine-socket.ts. */
export function pingDocker(runDir: string, timeoutMs: number): Promise<HealthSample["docker"]> {
  return pingEngine(runDir, timeoutMs);
}

/**
 * Writes a lab line into the learner's terminal now, or as soon as one of their tabs is attached again within
 * `withinMs` (after a restart their tabs are reconnecting when the line is ready).
 */
export function noticeWhenAttached(notice: (learnerId: string, line: string) => boolean, learnerId: string, line: string, withinMs = 120_000): void {
  const until = Date.now() + withinMs;
  const attempt = () => {
    if (notice(learnerId, line) || Date.now() > until) return;
    setTimeout(attempt, 500).unref();
  };
  attempt();
}
