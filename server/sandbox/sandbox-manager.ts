import "server-only";
import type { Config } from "@/lib/config";
import type { SandboxPhase } from "@/lib/sandbox-progress";
import { admitFromQueue, poolRoom, positionOf } from "@/server/admission/admission-queue";
import { SandboxUnavailableError, type SandboxDriver, type SandboxLimits } from "./driver";
import { DockerStartError, type RecoveredAction, type RecoveredFault, type SandboxFault } from "./sandbox-faults";
import { planReaping, planReconcile, poolDeficit, refillBackoffMs, type TrackedSandbox } from "./sandbox-lifecycle";
import type { HomeKeeper } from "./home-snapshots";
import { poolExcess, seatsToWarm } from "./seat-warmer";
import type { SandboxStore } from "./sandbox-store";

/** What the UI shows while a learner waits for their sandbox ("queued": the lab is full, they wait in line). */
export type { SandboxPhase };

export interface SandboxProgress {
  phase: SandboxPhase;
  sandboxId?: string;
  /** With "queued": 1-based place in line. */
  position?: number;
  /** With "restoring your work": what of the learner's kept home could not be kept, in their words. */
  note?: string;
}

/**
 * How many sandboxes the lab may run and who may have one (server/admission/lab-admission.ts). Without
 * it the manager starts a sandbox for everyone who asks.
 */
export interface AdmissionPolicy {
  /** Places for sandboxes (the pool's and learners'), given how many exist or are being made now. */
  places(sandboxes: number): Promise<number>;
  /** The running workshop the learner belongs to (its seats are kept for its members), or null. */
  workshopOf(learnerId: string): Promise<string | null>;
  /** Seats kept for each running workshop (taken by members who joined), by workshop id. */
  seats(): Promise<ReadonlyMap<string, number>>;
  /** Throws (an error with a message for the learner) when this address started too many sandboxes lately. */
  startAllowed?(address: string): void;
}

export interface AcquireOptions {
  /** The requester's address: a sandbox start counts against its rate limit. */
  address?: string;
  /** The requester went away: stop waiting in line for them (others who asked for the same learner keep the place). */
  signal?: AbortSignal;
}

/** The learner stopped waiting in line (their page went away) before a place was free. */
export class LeftQueueError extends Error {
  constructor(learnerId: string) {
    super(`learner ${learnerId} left the queue`);
  }
}

/**
 * A learner waiting for a place, and everyone following their position. Pages that wait pass a signal;
 * when the last of them has gone for `graceMs` (a reload comes back sooner), the learner leaves the line,
 * and callers that passed no signal (the terminal, a check) hear LeftQueueError.
 */
class QueueEntry {
  readonly admitted: Promise<void>;
  position = 0;
  private readonly listeners = new Set<ProgressListener>();
  /** Callers with a signal still waiting. */
  private interest = 0;
  private leaving: NodeJS.Timeout | undefined;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };

  constructor(
    readonly learnerId: string,
    readonly workshopId: string | null,
    readonly since: number,
    private readonly graceMs: number,
    private readonly onAbandoned: (entry: QueueEntry) => void,
  ) {
    this.admitted = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    this.admitted.catch(() => {});
  }

  follow(listener: ProgressListener | undefined, signal: AbortSignal | undefined): void {
    if (signal?.aborted) return;
    if (listener) {
      this.listeners.add(listener);
      if (this.position) listener({ phase: "queued", position: this.position });
    }
    if (!signal) return;
    this.interest++;
    clearTimeout(this.leaving);
    signal.addEventListener(
      "abort",
      () => {
        if (listener) this.listeners.delete(listener);
        if (--this.interest > 0) return;
        this.leaving = setTimeout(() => {
          if (this.interest === 0) this.onAbandoned(this);
        }, this.graceMs);
        this.leaving.unref();
      },
      { once: true },
    );
  }

  moveTo(position: number): void {
    if (position === this.position) return;
    this.position = position;
    for (const listener of this.listeners) listener({ phase: "queued", position });
  }

  admit(): void {
    clearTimeout(this.leaving);
    this.settle.resolve();
  }

  reject(error: unknown): void {
    clearTimeout(this.leaving);
    this.settle.reject(error);
  }
}

/** A learner waiting in line, as the instructor and the health endpoint see it. */
export interface QueuedLearner {
  learnerId: string;
  workshopId: string | null;
  position: number;
  since: number;
}

export type ProgressListener = (progress: SandboxProgress) => void;

/**
 * The lab put a learner's sandbox right by itself (the learner is told what happened and why). "removed" with
 * "recreated": its container was removed, and a new one was made on its surviving disk. "gone" with "replaced": the
 * old sandbox was beyond repair (container and disk gone, or it would not start) and the learner now has a new one.
 */
export interface SandboxRecovery {
  learnerId: string;
  sandboxId: string;
  fault: RecoveredFault;
  action: RecoveredAction;
  /** From noticing the fault to Docker answering again. */
  ms: number;
}

/** Tries to start a learner's stopped container before it counts as beyond repair (each failure is logged). */
const MAX_START_TRIES = 3;

/** Work done inside the learner's turn, before their sandbox goes down (nothing else for them runs between). */
export interface ReplaceHooks {
  /** E.g. letting go of the learner's terminal, so its tabs reconnect to what comes next instead of seeing it die. */
  beforeStop?: () => Promise<void>;
}

export interface AcquiredSandbox {
  learnerId: string;
  sandboxId: string;
  /** Handed out from the warm pool (already running, Docker answering). */
  fromPool: boolean;
}

export interface SandboxManagerOptions {
  driver: SandboxDriver;
  store: SandboxStore;
  limits: SandboxLimits;
  poolSize: number;
  idleTimeoutMs: number;
  maxLifetimeMs: number;
  /** Limits how many sandboxes run and who gets a place; none: no limit. */
  admission?: AdmissionPolicy;
  /** Keeps a learner's home when their sandbox expires and restores it into their next one; none: homes go with sandboxes. */
  homes?: HomeKeeper;
  /**
   * Seats of workshops open or about to open, by workshop id (server/workshop/room-warmer.ts): the pool also holds
   * a ready sandbox for each seat no member holds yet, within the places (seat-warmer.ts). None: no warming.
   */
  warmRooms?: () => Promise<ReadonlyMap<string, number>>;
  /** How often the queue looks for a freed place besides releases (capacity follows the disk). Default 5 s. */
  queueCheckMs?: number;
  /** A learner whose every waiting page went away keeps their place in line this long (a reload). Default 20 s. */
  queueGraceMs?: number;
  /** Labels on every sandbox this manager creates (the driver adds its own). */
  labels?: Record<string, string>;
  /**
   * `driver.create` calls at the same time (Docker's start-up, the longer part, overlaps anyway).
   * Default one: on 2 cores the bench filled 15 pool sandboxes in 44 s with one and 43 s with two,
   * so a second only makes each learner-requested create slower.
   */
  maxParallelCreates?: number;
  /** Idempotent: returns at once when Docker answers, else starts it and waits (the image's contract). */
  dockerStartCommand?: string[];
  reapIntervalMs?: number;
  /** Told each time a learner's sandbox was put right by the lab itself (started again, restarted, replaced). */
  onRecovered?: (recovery: SandboxRecovery) => void;
  /** Wait before the n-th retry of a container start that failed: n times this. Default 1 s. */
  startRetryMs?: number;
  /**
   * After a pool sandbox is handed out, wait this long before making its replacement, so that making
   * it (CPU-heavy for ~2 s) does not slow down the learner's first commands. Default 3 s.
   */
  refillDelayMs?: number;
  /** Activity reaches the store at most this often per learner (touch() may be called per keystroke). */
  activityWriteMs?: number;
  now?: () => number;
  log?: (message: string, error?: unknown) => void;
}

/** The manager's settings from the lab's configuration. */
export function sandboxManagerOptions(config: Config, deps: { driver: SandboxDriver; store: SandboxStore }): SandboxManagerOptions {
  return {
    ...deps,
    limits: {
      memoryMb: config.LAYERLAB_SANDBOX_MEMORY_MB,
      cpus: config.LAYERLAB_SANDBOX_CPUS,
      pids: config.LAYERLAB_SANDBOX_PIDS,
      diskMb: config.LAYERLAB_SANDBOX_DISK_MB,
    },
    poolSize: config.LAYERLAB_POOL_SIZE,
    idleTimeoutMs: config.LAYERLAB_IDLE_TIMEOUT_MIN * 60_000,
    maxLifetimeMs: config.LAYERLAB_MAX_LIFETIME_MIN * 60_000,
  };
}

/** One sandbox on its way to ready: in the pool, or being made for a learner who is waiting. */
class Provision {
  sandboxId: string | undefined;
  createdAt = 0;
  /** When Docker was last seen answering in it. */
  checkedAt = 0;
  phase: SandboxPhase = "starting sandbox";
  /** A learner waits for it: it goes first through the create gate. */
  urgent: boolean;
  readonly done: Promise<string>;
  private readonly listeners = new Set<ProgressListener>();
  private settle!: { resolve: (id: string) => void; reject: (error: unknown) => void };

  constructor(urgent: boolean) {
    this.urgent = urgent;
    this.done = new Promise<string>((resolve, reject) => (this.settle = { resolve, reject }));
    // Nobody may be awaiting a pool provision when it fails; the pool handles that failure itself.
    this.done.catch(() => {});
  }

  /** A sandbox found running at start-up: not known to answer until checked (checkedAt 0). */
  static ready(sandboxId: string, createdAt: number): Provision {
    const p = new Provision(false);
    p.sandboxId = sandboxId;
    p.createdAt = createdAt;
    p.phase = "ready";
    p.settle.resolve(sandboxId);
    return p;
  }

  get isReady(): boolean {
    return this.phase === "ready";
  }

  advance(phase: SandboxPhase): void {
    this.phase = phase;
    for (const listener of this.listeners) listener({ phase, sandboxId: this.sandboxId });
  }

  follow(listener: ProgressListener | undefined): void {
    if (!listener) return;
    this.listeners.add(listener);
    if (!this.isReady) listener({ phase: this.phase, sandboxId: this.sandboxId });
  }

  /** Ready: followers hear "ready" from the manager once the sandbox is theirs, not from here. */
  resolve(checkedAt: number): void {
    this.checkedAt = checkedAt;
    this.phase = "ready";
    this.settle.resolve(this.sandboxId!);
  }

  reject(error: unknown): void {
    this.settle.reject(error);
  }
}

/** Lets at most `slots` creates run at once; a learner's create goes before pool refills. */
class CreateGate {
  private active = 0;
  private readonly waiting: { provision: Provision; enter: () => void }[] = [];

  constructor(private readonly slots: number) {}

  async enter(provision: Provision): Promise<void> {
    if (this.active < this.slots) {
      this.active++;
      return;
    }
    await new Promise<void>((enter) => this.waiting.push({ provision, enter }));
  }

  leave(): void {
    const index = Math.max(0, this.waiting.findIndex((w) => w.provision.urgent));
    const next = this.waiting.splice(index, 1)[0];
    if (next) next.enter();
    else this.active--;
  }
}

interface Assigned {
  sandboxId: string;
  assignedAt: number;
  lastActiveAt: number;
  /** The lastActiveAt the store holds, to write activity only now and then. */
  storedActiveAt: number;
  createdAt: number;
  running: boolean;
}

/**
 * One sandbox per learner, kept across page loads and server restarts; a warm pool so a new learner
 * gets a ready sandbox at once; idle sandboxes stopped and old ones destroyed in the background.
 */
export class SandboxManager {
  private readonly driver: SandboxDriver;
  private readonly store: SandboxStore;
  private readonly now: () => number;
  private readonly log: (message: string, error?: unknown) => void;
  private readonly dockerStart: string[];
  private readonly gate: CreateGate;
  /** Unclaimed sandboxes, ready or on their way, oldest first. */
  private readonly pool: Provision[] = [];
  private readonly assigned = new Map<string, Assigned>();
  /** Learners whose sandbox the watchdog found beyond repair while they were away: their next one is a replacement. */
  private readonly lost = new Set<string>();
  /** Learners holding a place (assigned, or admitted and getting their sandbox), with their running workshop. */
  private readonly places = new Map<string, string | null>();
  /** Learners waiting for a place, first come first. */
  private readonly waiting: QueueEntry[] = [];
  /** What the admission policy last said: places in all, and the running workshops' seats. */
  private capacity = { places: Infinity, seats: new Map() as ReadonlyMap<string, number> };
  /** What warmRooms last said. */
  private warmRooms: ReadonlyMap<string, number> = new Map();
  private pumping: Promise<void> | undefined;
  private pumpAgain = false;
  private queueTimer: NodeJS.Timeout | undefined;
  /** Per-learner queue: one operation (acquire, reset, release, reap) at a time for a learner. */
  private readonly learnerQueues = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private refillFailures = 0;
  private refillRetry: NodeJS.Timeout | undefined;
  private refillSoon: NodeJS.Timeout | undefined;
  private reapTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly reapIntervalMs: number;

  constructor(private readonly opts: SandboxManagerOptions) {
    this.reapIntervalMs = opts.reapIntervalMs ?? 60_000;
    this.driver = opts.driver;
    this.store = opts.store;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? ((message, error) => console.error(`layerlab sandboxes: ${message}`, error ?? ""));
    this.dockerStart = opts.dockerStartCommand ?? ["layerlab-docker-start"];
    this.gate = new CreateGate(opts.maxParallelCreates ?? 1);
  }

  /** Reconciles with what the driver runs and the store remembers, then fills the pool and starts reaping. */
  async start(): Promise<void> {
    const [sandboxes, assignments] = await Promise.all([this.driver.list(), this.store.list()]);
    const plan = planReconcile(sandboxes, assignments, this.opts.poolSize, this.now(), this.opts);
    const byId = new Map(sandboxes.map((s) => [s.id, s]));
    // Containers removed while the lab was down: the learners keep their sandboxes, stopped, and prune() below spares
    // their disks. The learner's return (revive) makes a new container on the disk, or a new sandbox if the disk is
    // gone too. None is made here: after a mass removal that would hold the lab's start for minutes. The lifetime
    // counts from the assignment, so an old one still expires (its home kept).
    const containerless = this.driver.recreate ? assignments.filter((a) => !byId.has(a.sandboxId) && plan.forget.includes(a.learnerId)) : [];
    for (const a of containerless) {
      plan.forget.splice(plan.forget.indexOf(a.learnerId), 1);
      plan.keep.push(a);
      byId.set(a.sandboxId, { id: a.sandboxId, createdAt: a.assignedAt, running: false, labels: {} });
    }
    for (const learnerId of plan.forget) await this.store.delete(learnerId);
    for (const a of plan.keep) {
      const info = byId.get(a.sandboxId)!;
      this.assigned.set(a.learnerId, {
        sandboxId: a.sandboxId,
        assignedAt: a.assignedAt.getTime(),
        lastActiveAt: a.lastActiveAt.getTime(),
        storedActiveAt: a.lastActiveAt.getTime(),
        createdAt: info.createdAt.getTime(),
        running: info.running,
      });
    }
    // Adopted pool sandboxes were ready when the last server left them; acquire() checks Docker before handing one out.
    for (const id of plan.adopt) this.pool.push(Provision.ready(id, byId.get(id)!.createdAt.getTime()));
    // Learners' sandboxes that expired while the lab was down: their homes are kept first, as reap() does.
    for (const a of assignments.filter((a) => plan.forget.includes(a.learnerId) && plan.destroy.includes(a.sandboxId))) {
      await this.opts.homes?.keep(a.learnerId, a.sandboxId).catch((error) => this.log(`keeping the home of ${a.learnerId} (expired ${a.sandboxId}) failed`, error));
    }
    for (const id of plan.destroy) await this.driver.destroy(id).catch((error) => this.log(`destroying ${id} failed`, error));
    await this.driver.prune(containerless.map((a) => a.sandboxId)).catch((error) => this.log("cleaning up leftovers of removed sandboxes failed", error));
    for (const learnerId of this.assigned.keys()) this.places.set(learnerId, (await this.opts.admission?.workshopOf(learnerId)) ?? null);
    // Knows its capacity before the pool fills (pump refills).
    await this.pump();
    this.reapTimer = setInterval(() => void this.track(this.reap()).catch((error) => this.log("reaping failed", error)), this.reapIntervalMs);
    this.reapTimer.unref();
    if (this.opts.admission) {
      this.queueTimer = setInterval(() => {
        if (this.waiting.length) void this.pump();
      }, this.opts.queueCheckMs ?? 5000);
      this.queueTimer.unref();
    }
  }

  /**
   * The learner's sandbox, running with Docker answering: theirs if they have one, else from the pool, else new.
   * When the lab is full the learner waits in line ("queued" progress with their position) and starts by
   * themselves when a place frees.
   */
  acquire(learnerId: string, onProgress?: ProgressListener, options: AcquireOptions = {}): Promise<AcquiredSandbox> {
    // Already in line (another tab, a reload): follow the position now, not only once the first request is served.
    const queued = this.waiting.find((e) => e.learnerId === learnerId);
    if (queued) queued.follow(onProgress, options.signal);
    return this.forLearner(learnerId, () => {
      if (options.signal?.aborted) throw new LeftQueueError(learnerId);
      return this.acquireLocked(learnerId, onProgress, options);
    });
  }

  /** Who waits for a place, in order. */
  queue(): QueuedLearner[] {
    return this.waiting.map((e, i) => ({ learnerId: e.learnerId, workshopId: e.workshopId, position: i + 1, since: e.since }));
  }

  /** Places in all (Infinity without admission control), learners holding one, pool sandboxes, learners waiting. */
  admissionStatus(): { places: number; held: number; pool: number; waiting: number } {
    return { places: this.capacity.places, held: this.places.size, pool: this.pool.length, waiting: this.waiting.length };
  }

  /** The learner's sandbox id if they have one, without starting anything. */
  async sandboxOf(learnerId: string): Promise<string | undefined> {
    return (await this.assignment(learnerId))?.sandboxId;
  }

  /** Learners' sandboxes believed running and not in the middle of an operation: what the sandbox watchdog probes. */
  watched(): { learnerId: string; sandboxId: string }[] {
    return [...this.assigned].filter(([learnerId, a]) => a.running && !this.learnerQueues.has(learnerId)).map(([learnerId, a]) => ({ learnerId, sandboxId: a.sandboxId }));
  }

  /**
   * Whether the learner has been away long enough that the lab stops their sandbox on purpose (or has none): a
   * terminal that lost its sandbox then waits for the learner instead of starting it again by itself.
   */
  isIdle(learnerId: string): boolean {
    const a = this.assigned.get(learnerId);
    return !a || this.now() - a.lastActiveAt >= this.opts.idleTimeoutMs;
  }

  /**
   * The sandbox watchdog found the learner's sandbox in trouble: Docker is started again, or the sandbox restarted,
   * its disk (files, images) kept; onRecovered says what was done. Nothing happens when the learner's sandbox is no
   * longer that one or is not meant to run (stopped while idle).
   */
  recover(learnerId: string, sandboxId: string, fault: SandboxFault): Promise<void> {
    return this.forLearner(learnerId, async () => {
      const a = this.assigned.get(learnerId);
      if (this.stopped || !a || a.sandboxId !== sandboxId || !a.running) return;
      // Started again meanwhile (a terminal reconnecting asked first): nothing left to do.
      if (fault === "stopped" && (await this.driver.list()).find((s) => s.id === sandboxId)?.running) return;
      if (fault !== "docker" && fault !== "stopped") await this.stopForRestart(a);
      if (await this.revive(learnerId, a, undefined, fault)) return;
      // Beyond repair, and dropped. The watchdog makes no sandbox for a learner who may not be there: their next
      // visit does, and hears why it is a new one. Until then their place goes to whoever needs it.
      this.lost.add(learnerId);
      this.freePlace(learnerId);
    });
  }

  /** Records activity (terminal input, a check, a save), so the idle reaper leaves the sandbox alone. */
  touch(learnerId: string): void {
    const a = this.assigned.get(learnerId);
    if (!a) return;
    a.lastActiveAt = this.now();
    if (a.lastActiveAt - a.storedActiveAt >= (this.opts.activityWriteMs ?? 60_000)) {
      a.storedActiveAt = a.lastActiveAt;
      this.store
        .set({ learnerId, sandboxId: a.sandboxId, assignedAt: new Date(a.assignedAt), lastActiveAt: new Date(a.lastActiveAt) })
        .catch((error) => this.log(`recording activity of ${learnerId} failed`, error));
    }
  }

  /** Throws the learner's sandbox away and gives them a fresh one (they keep their place: no waiting in line). */
  reset(learnerId: string, onProgress?: ProgressListener, hooks: ReplaceHooks = {}): Promise<AcquiredSandbox> {
    return this.forLearner(learnerId, async () => {
      await hooks.beforeStop?.();
      // Fresh means fresh: a home kept from an expired sandbox is not restored into it either.
      await this.dropLocked(learnerId, true, "discard");
      return this.acquireLocked(learnerId, onProgress);
    });
  }

  /**
   * Restarts the learner's sandbox with its disk (files, images, build cache kept): the container is stopped,
   * started again and Docker started in it. Anything asking for this learner's sandbox meanwhile (a terminal
   * reconnecting, a check) waits for it. Undefined when the learner has no sandbox.
   */
  restart(learnerId: string, onProgress?: ProgressListener, hooks: ReplaceHooks = {}): Promise<AcquiredSandbox | undefined> {
    return this.forLearner(learnerId, async () => {
      const a = await this.assignment(learnerId);
      if (!a) return undefined;
      await hooks.beforeStop?.();
      await this.driver.stop(a.sandboxId).catch((error) => {
        // Already gone: acquiring below makes it again, as after any lost sandbox.
        if (!(error instanceof SandboxUnavailableError)) throw error;
      });
      a.running = false;
      return this.acquireLocked(learnerId, onProgress);
    });
  }

  /**
   * The learner is done: their sandbox is destroyed. `home`: "keep" snapshots their home first (restored on
   * their next visit), "discard" also deletes a snapshot kept earlier.
   */
  release(learnerId: string, home?: "keep" | "discard"): Promise<void> {
    return this.forLearner(learnerId, () => this.dropLocked(learnerId, false, home));
  }

  /** One reaping pass, plus a health check of the pool (the timer runs it every reapIntervalMs, default a minute). */
  async reap(): Promise<void> {
    const tracked: TrackedSandbox[] = [
      ...[...this.assigned].map(([learnerId, a]) => ({ sandboxId: a.sandboxId, learnerId, createdAt: a.createdAt, running: a.running, lastActiveAt: a.lastActiveAt })),
      ...this.pool.filter((p) => p.isReady).map((p) => ({ sandboxId: p.sandboxId!, createdAt: p.createdAt, running: true })),
    ];
    const plan = planReaping(tracked, this.now(), this.opts);
    const learnerOf = new Map(tracked.filter((t) => t.learnerId !== undefined).map((t) => [t.sandboxId, t.learnerId!]));
    for (const sandboxId of [...plan.stop, ...plan.destroy]) {
      const learnerId = learnerOf.get(sandboxId);
      if (learnerId === undefined) {
        const index = this.pool.findIndex((p) => p.sandboxId === sandboxId);
        if (index < 0) continue;
        this.pool.splice(index, 1);
        await this.driver.destroy(sandboxId).catch((error) => this.log(`destroying expired pool sandbox ${sandboxId} failed`, error));
        continue;
      }
      await this.forLearner(learnerId, async () => {
        const a = this.assigned.get(learnerId);
        if (!a || a.sandboxId !== sandboxId) return;
        // Decide again: the learner may have come back while earlier sandboxes were being reaped.
        const again = planReaping([{ sandboxId, learnerId, createdAt: a.createdAt, running: a.running, lastActiveAt: a.lastActiveAt }], this.now(), this.opts);
        // Expired: the learner's home is kept, and their next visit gets it back.
        if (again.destroy.length) await this.dropLocked(learnerId, false, "keep");
        else if (again.stop.length) {
          await this.driver.stop(sandboxId).catch((error) => {
            if (!(error instanceof SandboxUnavailableError)) throw error;
          });
          a.running = false;
        }
      }).catch((error) => this.log(`reaping ${sandboxId} of ${learnerId} failed`, error));
    }
    await this.checkPool();
    await this.opts.homes?.sweep().catch((error) => this.log("removing expired home snapshots failed", error));
    // Workshops start and end, disks grow: capacity is read again, and the pool refilled within it.
    await this.pump();
  }

  /** Makes sure Docker still answers in every ready pool sandbox; a broken one is replaced. */
  private async checkPool(): Promise<void> {
    for (const provision of this.pool.filter((p) => p.isReady)) {
      try {
        await this.ensureDocker(provision.sandboxId!);
        provision.checkedAt = this.now();
      } catch (error) {
        const index = this.pool.indexOf(provision);
        // Handed out meanwhile: the learner's acquire() deals with it.
        if (index < 0) continue;
        this.pool.splice(index, 1);
        this.log(`pool sandbox ${provision.sandboxId} no longer works; replacing it`, error);
        await this.driver.destroy(provision.sandboxId!).catch(() => {});
      }
    }
  }

  status(): { poolReady: number; poolStarting: number; learners: number } {
    const ready = this.pool.filter((p) => p.isReady).length;
    return { poolReady: ready, poolStarting: this.pool.length - ready, learners: this.assigned.size };
  }

  /**
   * Stops background work and waits for what is under way. Sandboxes keep running: learners' shells
   * (tmux) survive a server restart, and the next start() adopts the pool again.
   */
  async shutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.reapTimer);
    clearInterval(this.queueTimer);
    for (const entry of this.waiting.splice(0)) entry.reject(new Error("the lab is shutting down; reload the page in a moment"));
    clearTimeout(this.refillRetry);
    clearTimeout(this.refillSoon);
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** `fault`: the watchdog found the learner's sandbox in trouble (see recover). */
  private async acquireLocked(learnerId: string, onProgress?: ProgressListener, options: AcquireOptions = {}, fault: SandboxFault | null = null): Promise<AcquiredSandbox> {
    if (this.stopped) throw new Error("the sandbox manager is shutting down");
    const began = this.now();
    const existing = await this.assignment(learnerId);
    const lost = this.lost.delete(learnerId);
    if (existing && (await this.revive(learnerId, existing, onProgress, fault))) {
      this.touch(learnerId);
      onProgress?.({ phase: "ready", sandboxId: existing.sandboxId });
      return { learnerId, sandboxId: existing.sandboxId, fromPool: false };
    }
    await this.admit(learnerId, onProgress, options);
    let taken: { provision: Provision; fromPool: boolean };
    try {
      taken = await this.takeReady(onProgress);
    } catch (error) {
      this.freePlace(learnerId);
      throw error;
    }
    const { provision, fromPool } = taken;
    const now = this.now();
    const a: Assigned = { sandboxId: provision.sandboxId!, assignedAt: now, lastActiveAt: now, storedActiveAt: now, createdAt: provision.createdAt, running: true };
    try {
      await this.store.set({ learnerId, sandboxId: a.sandboxId, assignedAt: new Date(now), lastActiveAt: new Date(now) });
    } catch (error) {
      await this.driver.destroy(a.sandboxId).catch(() => {});
      this.freePlace(learnerId);
      throw error;
    }
    this.assigned.set(learnerId, a);
    await this.restoreHome(learnerId, a.sandboxId, onProgress);
    onProgress?.({ phase: "ready", sandboxId: a.sandboxId });
    // The learner had a sandbox and it was beyond repair: they are told, and the lab puts their exercise files back.
    if (existing || lost) this.reportRecovery({ learnerId, sandboxId: a.sandboxId, fault: "gone", action: "replaced", ms: this.now() - began });
    return { learnerId, sandboxId: a.sandboxId, fromPool };
  }

  /**
   * Brings the learner's existing sandbox back to ready with its disk (files, Docker's images): started again when
   * it stopped (idle, killed, exited), restarted once when Docker cannot be started in it (a wedge, a dead engine).
   * False, with the assignment dropped, only when it is beyond repair: its container is gone, or it failed to start
   * MAX_START_TRIES times in a row (its disk gone, or podman refusing; each failure is logged with podman's error).
   * With a `fault` (found by the watchdog), or when it turns out to have stopped behind the lab's back, the learner
   * is told what was done through onRecovered.
   */
  private async revive(learnerId: string, a: Assigned, onProgress?: ProgressListener, fault: SandboxFault | null = null): Promise<boolean> {
    const began = this.now();
    // recover() stopped a wedged sandbox before this: it is "restarted"; one found stopped is "started".
    let action: RecoveredAction = fault === "docker" ? "docker-restarted" : fault === null || fault === "stopped" ? "started" : "restarted";
    let reported: RecoveredFault | null = fault;
    let startFailures = 0;
    let restarted = false;
    let recreated = false;
    for (;;) {
      try {
        if (!a.running) {
          onProgress?.({ phase: "starting sandbox", sandboxId: a.sandboxId });
          await this.driver.start(a.sandboxId);
          a.running = true;
          onProgress?.({ phase: "starting Docker", sandboxId: a.sandboxId });
        }
        await this.ensureDocker(a.sandboxId);
        if (reported) this.reportRecovery({ learnerId, sandboxId: a.sandboxId, fault: reported, action, ms: this.now() - began });
        return true;
      } catch (error) {
        if (this.stopped) throw error;
        const info = (await this.driver.list()).find((s) => s.id === a.sandboxId);
        if (!info) {
          // The container was removed; the disk holds the learner's files, images and build cache, so a new container
          // is made on it. Only when the disk is gone too (or that fails) is the sandbox beyond repair.
          if (!recreated && (await this.recreateOnDisk(learnerId, a, onProgress))) {
            recreated = true;
            reported = "removed";
            action = "recreated";
            continue;
          }
          this.log(`sandbox ${a.sandboxId} of ${learnerId} is gone; making a new one`, error instanceof Error ? error.message : error);
          await this.dropLocked(learnerId, true);
          return false;
        }
        if (!info.running && a.running) {
          // Stopped behind the lab's back (killed, exited): its disk is intact, so it is started again.
          fault ??= "stopped";
          reported ??= "stopped";
          if (action === "docker-restarted") action = "started";
          a.running = false;
          continue;
        }
        if (!info.running) {
          startFailures++;
          this.log(`starting sandbox ${a.sandboxId} of ${learnerId} failed (${startFailures} of ${MAX_START_TRIES})`, error);
          if (startFailures < MAX_START_TRIES) {
            await new Promise((resolve) => setTimeout(resolve, (this.opts.startRetryMs ?? 1000) * startFailures));
            continue;
          }
          this.log(`sandbox ${a.sandboxId} of ${learnerId} cannot be started: beyond repair, making a new one`);
          await this.dropLocked(learnerId, true);
          return false;
        }
        if (!restarted && (error instanceof DockerStartError || error instanceof SandboxUnavailableError)) {
          // Running, but Docker cannot be started in it: a restart (disk kept) clears a wedge or a broken engine.
          restarted = true;
          fault ??= error instanceof DockerStartError ? (error.wedge ?? "docker") : "unresponsive";
          reported ??= fault;
          action = "restarted";
          this.log(`Docker does not start in sandbox ${a.sandboxId} of ${learnerId}; restarting the sandbox`, error);
          onProgress?.({ phase: "starting sandbox", sandboxId: a.sandboxId });
          await this.stopForRestart(a);
          continue;
        }
        throw error;
      }
    }
  }

  /** A new container for the learner's sandbox on its surviving disk; false (logged) when the disk is gone or that failed. */
  private async recreateOnDisk(learnerId: string, a: Assigned, onProgress?: ProgressListener): Promise<boolean> {
    if (!this.driver.recreate) return false;
    onProgress?.({ phase: "starting sandbox", sandboxId: a.sandboxId });
    try {
      await this.driver.recreate(a.sandboxId, { labels: this.opts.labels ?? {}, limits: this.opts.limits });
    } catch (error) {
      this.log(`no new container on the disk of ${a.sandboxId} of ${learnerId}`, error instanceof Error ? error.message : error);
      return false;
    }
    this.log(`sandbox ${a.sandboxId} of ${learnerId}: its container was removed; made a new one on its disk`);
    a.running = true;
    onProgress?.({ phase: "starting Docker", sandboxId: a.sandboxId });
    return true;
  }

  /** Stops the sandbox so that revive() starts it again; its disk stays. */
  private async stopForRestart(a: Assigned): Promise<void> {
    await this.driver.stop(a.sandboxId).catch((error) => {
      if (!(error instanceof SandboxUnavailableError)) throw error;
    });
    a.running = false;
  }

  private reportRecovery(recovery: SandboxRecovery): void {
    this.log(`sandbox of ${recovery.learnerId}: ${recovery.fault}, ${recovery.action} (${recovery.ms} ms)`);
    try {
      this.opts.onRecovered?.(recovery);
    } catch (error) {
      this.log("telling the learner about a recovery failed", error);
    }
  }

  /** A ready sandbox: the pool's best, else a new one made ahead of refills. */
  private async takeReady(onProgress?: ProgressListener): Promise<{ provision: Provision; fromPool: boolean }> {
    for (;;) {
      const index = this.pool.findIndex((p) => p.isReady);
      const provision = index >= 0 ? this.pool.splice(index, 1)[0] : this.pool.shift();
      if (!provision) break;
      this.refillAfterHandOut();
      provision.urgent = true;
      provision.follow(onProgress);
      try {
        await provision.done;
        // The reaper checks the pool every interval, so a recently checked sandbox goes out at once
        // (a check is two process starts, ~0.3 s); one adopted at start-up or not checked lately is checked now.
        if (this.now() - provision.checkedAt > 2 * this.reapIntervalMs) await this.ensureDocker(provision.sandboxId!);
        return { provision, fromPool: true };
      } catch (error) {
        this.log(`pool sandbox ${provision.sandboxId ?? "(not created)"} is not usable; trying another`, error);
        if (provision.sandboxId) await this.driver.destroy(provision.sandboxId).catch(() => {});
      }
    }
    const provision = this.provision(true);
    provision.follow(onProgress);
    await provision.done;
    return { provision, fromPool: false };
  }

  private refillAfterHandOut(): void {
    if (this.refillSoon) return;
    this.refillSoon = setTimeout(() => {
      this.refillSoon = undefined;
      this.refill();
    }, this.opts.refillDelayMs ?? 3000);
    this.refillSoon.unref();
  }

  /**
   * Waits until the learner has a place: at once when the lab has room for them, else in line, told
   * their position as it changes. A learner who holds one already (a reset, a vanished sandbox) keeps it.
   */
  private async admit(learnerId: string, onProgress: ProgressListener | undefined, options: AcquireOptions): Promise<void> {
    const policy = this.opts.admission;
    if (!policy || this.places.has(learnerId)) return;
    if (options.address !== undefined) policy.startAllowed?.(options.address);
    const entry = new QueueEntry(learnerId, await policy.workshopOf(learnerId), this.now(), this.opts.queueGraceMs ?? 20_000, (abandoned) => {
      const index = this.waiting.indexOf(abandoned);
      if (index < 0) return;
      this.waiting.splice(index, 1);
      abandoned.reject(new LeftQueueError(learnerId));
      void this.pump();
    });
    entry.follow(onProgress, options.signal);
    this.waiting.push(entry);
    await this.pump();
    await entry.admitted;
  }

  /** The learner no longer holds a place: the next in line may get it. */
  private freePlace(learnerId: string): void {
    if (this.places.delete(learnerId)) void this.pump();
  }

  /**
   * Reads the capacity again, admits whoever in line may start now, tells the rest their position and
   * refills the pool within what is left. One run at a time; a call during a run makes one more run after it.
   */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        await this.admitWaiting().catch((error) => this.log("checking the lab's capacity failed; the queue waits for the next try", error));
        await this.readWarmRooms();
        this.refill();
      } while (this.pumpAgain && !this.stopped);
    })().finally(() => (this.pumping = undefined));
    return this.track(this.pumping);
  }

  private async admitWaiting(): Promise<void> {
    const policy = this.opts.admission;
    if (!policy) return;
    const [places, seats] = await Promise.all([policy.places(this.places.size + this.pool.length), policy.seats()]);
    this.capacity = { places, seats };
    const admitted = new Set(admitFromQueue(this.waiting, { places, holders: this.places.values(), seats }));
    for (const entry of this.waiting.filter((e) => admitted.has(e.learnerId))) {
      this.waiting.splice(this.waiting.indexOf(entry), 1);
      this.places.set(entry.learnerId, entry.workshopId);
      entry.admit();
    }
    for (const entry of this.waiting) entry.moveTo(positionOf(this.waiting, entry.learnerId));
  }

  /**
   * Workshops opened, filled or ended: the pool warms their seats or lets warmed ones go (the reaper does this
   * every interval too). Resolves when the pool has been brought to its new size (new sandboxes may still be starting).
   */
  rewarm(): Promise<void> {
    return this.pump();
  }

  private async readWarmRooms(): Promise<void> {
    if (!this.opts.warmRooms) return;
    try {
      this.warmRooms = await this.opts.warmRooms();
    } catch (error) {
      this.log("reading the workshops' seats to warm failed; the pool keeps its size", error);
      return;
    }
    // Warmed seats nobody needs any more (the room ended or filled) are released at once.
    const target = this.opts.poolSize + seatsToWarm(this.warmRooms, this.places.values());
    const admittedWithoutSandbox = [...this.places.keys()].filter((l) => !this.assigned.has(l)).length;
    const released = this.pool.filter((p) => p.isReady).slice(0, poolExcess(this.pool.length, target, admittedWithoutSandbox));
    for (const provision of released) this.pool.splice(this.pool.indexOf(provision), 1);
    await Promise.all(
      released.map((p) => this.driver.destroy(p.sandboxId!).catch((error) => this.log(`releasing warmed sandbox ${p.sandboxId} failed`, error))),
    );
  }

  private refill(): void {
    if (this.stopped || this.refillRetry) return;
    const size = this.opts.poolSize + seatsToWarm(this.warmRooms, this.places.values());
    const room = this.opts.admission ? poolRoom(this.capacity.places, this.places.size, size, this.waiting.length) : size;
    for (let n = poolDeficit(this.pool.length, room); n > 0; n--) {
      const provision = this.provision(false);
      this.pool.push(provision);
      provision.done.then(
        () => (this.refillFailures = 0),
        (error) => {
          const index = this.pool.indexOf(provision);
          if (index >= 0) this.pool.splice(index, 1);
          if (this.stopped) return;
          this.refillFailures++;
          const delay = refillBackoffMs(this.refillFailures);
          this.log(`making a pool sandbox failed (${this.refillFailures} in a row); retrying in ${delay / 1000} s`, error);
          this.refillRetry = setTimeout(() => {
            this.refillRetry = undefined;
            this.refill();
          }, delay);
          this.refillRetry.unref();
        },
      );
    }
  }

  /** Starts making one sandbox (through the create gate); the returned provision settles when Docker answers. */
  private provision(urgent: boolean): Provision {
    const provision = new Provision(urgent);
    const work = (async () => {
      await this.gate.enter(provision);
      try {
        if (this.stopped && !provision.urgent) throw new Error("the sandbox manager is shutting down");
        const info = await this.driver.create({ labels: this.opts.labels ?? {}, limits: this.opts.limits });
        provision.sandboxId = info.id;
        provision.createdAt = info.createdAt.getTime();
      } finally {
        this.gate.leave();
      }
      // Docker's start-up (mostly waiting on dockerd) need not hold the gate: the next create can begin.
      provision.advance("starting Docker");
      await this.ensureDocker(provision.sandboxId);
      provision.resolve(this.now());
    })().catch(async (error) => {
      if (provision.sandboxId) await this.driver.destroy(provision.sandboxId).catch(() => {});
      provision.reject(error);
    });
    this.track(work);
    return provision;
  }

  private async ensureDocker(sandboxId: string): Promise<void> {
    const result = await this.driver.exec(sandboxId, this.dockerStart, { user: "root", timeoutMs: 90_000 });
    if (result.exitCode !== 0) throw new DockerStartError(sandboxId, result, (result.stderr || result.stdout).trim());
  }

  private async assignment(learnerId: string): Promise<Assigned | undefined> {
    const known = this.assigned.get(learnerId);
    if (known) return known;
    // Another replica (or a request before start() finished) may have assigned it.
    const stored = await this.store.get(learnerId);
    if (!stored) return undefined;
    const info = (await this.driver.list()).find((s) => s.id === stored.sandboxId);
    // No container: with a driver that can make one on the surviving disk, the assignment stays (stopped), and
    // revive() makes the container or, the disk gone too, drops it; as start() does.
    if (!info && !this.driver.recreate) {
      await this.store.delete(learnerId);
      return undefined;
    }
    const a: Assigned = {
      sandboxId: stored.sandboxId,
      assignedAt: stored.assignedAt.getTime(),
      lastActiveAt: stored.lastActiveAt.getTime(),
      storedActiveAt: stored.lastActiveAt.getTime(),
      createdAt: (info?.createdAt ?? stored.assignedAt).getTime(),
      running: info?.running ?? false,
    };
    this.assigned.set(learnerId, a);
    // Assigned by another replica or before start(): it holds a place all the same.
    if (!this.places.has(learnerId)) this.places.set(learnerId, null);
    return a;
  }

  /**
   * Forgets the learner's assignment and destroys their sandbox (caller holds the learner's queue). The
   * place goes to the next in line unless `keepPlace` (a fresh sandbox follows at once).
   */
  private async dropLocked(learnerId: string, keepPlace = false, home?: "keep" | "discard"): Promise<void> {
    const a = await this.assignment(learnerId);
    // Before anything is forgotten: when keeping fails, the sandbox stays assigned (stopped) and the next reap tries again.
    if (home === "keep" && a && this.opts.homes) {
      // A home is archived through its container: one removed while the lab was down is made again on the disk first
      // (with the disk gone too there is nothing to keep).
      let there = true;
      if (this.driver.recreate && !(await this.driver.list()).some((s) => s.id === a.sandboxId)) {
        there = await this.driver.recreate(a.sandboxId, { labels: this.opts.labels ?? {}, limits: this.opts.limits }).then(
          () => true,
          (error) => {
            if (error instanceof SandboxUnavailableError) return false;
            throw error;
          },
        );
      }
      if (there) await this.opts.homes.keep(learnerId, a.sandboxId);
    }
    if (home === "discard") await this.opts.homes?.discard(learnerId);
    this.assigned.delete(learnerId);
    try {
      await this.store.delete(learnerId);
      if (a) await this.driver.destroy(a.sandboxId);
    } finally {
      if (!keepPlace) this.freePlace(learnerId);
    }
  }

  /**
   * Puts the learner's kept home (from an expired sandbox) into their new one, Docker stopped meanwhile and
   * started again after. A restore that fails leaves a half-filled home: that sandbox goes, the snapshot is
   * marked so it is not tried again (its file stays for the operator), and the learner is told to reload.
   */
  private async restoreHome(learnerId: string, sandboxId: string, onProgress?: ProgressListener): Promise<void> {
    const homes = this.opts.homes;
    const pending = await homes?.pending(learnerId);
    if (!homes || !pending) return;
    onProgress?.({ phase: "restoring your work", sandboxId, ...(pending.note ? { note: pending.note } : {}) });
    if (!pending.restorable) return homes.discard(learnerId);
    try {
      await homes.restore(learnerId, sandboxId);
      await this.ensureDocker(sandboxId);
    } catch (error) {
      this.log(`restoring the kept home of ${learnerId} into ${sandboxId} failed`, error);
      await homes.restoreFailed(learnerId, error instanceof Error ? error.message : String(error)).catch(() => {});
      await this.dropLocked(learnerId).catch(() => {});
      throw new Error("Your work from your last visit could not be restored (the lab's log says why; it is kept for your instructor). Reload the page for a fresh sandbox.");
    }
    await homes.discard(learnerId);
  }

  private forLearner<T>(learnerId: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.learnerQueues.get(learnerId) ?? Promise.resolve();
    const result = previous.catch(() => {}).then(operation);
    const tail = result.catch(() => {});
    this.learnerQueues.set(learnerId, tail);
    void tail.then(() => {
      if (this.learnerQueues.get(learnerId) === tail) this.learnerQueues.delete(learnerId);
    });
    return this.track(result);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const forget = () => this.inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}
