import { afterEach, describe, expect, it } from "vitest";
import { SandboxUnavailableError, type ExecResult, type SandboxDriver, type SandboxInfo } from "./driver";
import { SandboxManager, type SandboxManagerOptions, type SandboxProgress } from "./sandbox-manager";
import { createMemorySandboxStore, type SandboxStore } from "./sandbox-store";

/** An in-memory driver: the manager's decisions are tested here; the real driver in *.int.test.ts. */
class FakeDriver implements SandboxDriver {
  readonly sandboxes = new Map<string, SandboxInfo>();
  /** Sandboxes whose home disk exists (a container may be removed while its disk stays). */
  readonly disks = new Set<string>();
  created = 0;
  creating = 0;
  maxCreating = 0;
  failCreates = false;
  /** start() fails this many more times (podman refusing to start a container). */
  failStarts = 0;
  createDelayMs = 5;
  readonly calls: string[] = [];
  private seq = 0;

  constructor(private readonly clock: () => number) {}

  async create({ labels }: { labels: Record<string, string> }): Promise<SandboxInfo> {
    this.creating++;
    this.maxCreating = Math.max(this.maxCreating, this.creating);
    try {
      await sleep(this.createDelayMs);
      if (this.failCreates) throw new Error("image missing");
      const info = { id: `sb${++this.seq}`, createdAt: new Date(this.clock()), running: true, labels };
      this.sandboxes.set(info.id, info);
      this.disks.add(info.id);
      this.created++;
      return info;
    } finally {
      this.creating--;
    }
  }

  async exec(id: string, command: string[]): Promise<ExecResult> {
    const s = this.sandboxes.get(id);
    if (!s?.running) throw new SandboxUnavailableError(id, "not running");
    this.calls.push(`exec ${id} ${command.join(" ")}`);
    return { stdout: "", stderr: "", exitCode: 0, timedOut: false };
  }

  ptyCommand() {
    return { file: "true", args: [] };
  }

  async readFile(): Promise<Buffer> {
    return Buffer.alloc(0);
  }

  async writeFile(): Promise<void> {}

  async stats() {
    return { memoryBytes: 0, cpuPercent: 0, pids: 0 };
  }

  async list(): Promise<SandboxInfo[]> {
    return [...this.sandboxes.values()].map((s) => ({ ...s }));
  }

  async stop(id: string): Promise<void> {
    const s = this.sandboxes.get(id);
    if (!s) throw new SandboxUnavailableError(id, "gone");
    s.running = false;
    this.calls.push(`stop ${id}`);
  }

  async start(id: string): Promise<void> {
    const s = this.sandboxes.get(id);
    if (!s) throw new SandboxUnavailableError(id, "gone");
    this.calls.push(`start ${id}`);
    if (this.failStarts > 0 && this.failStarts--) throw new Error("podman start: OCI runtime error");
    s.running = true;
  }

  async recreate(id: string, { labels }: { labels: Record<string, string> }): Promise<SandboxInfo> {
    if (!this.disks.has(id)) throw new SandboxUnavailableError(id, "its disk is gone");
    this.calls.push(`recreate ${id}`);
    const info = { id, createdAt: new Date(this.clock()), running: true, labels };
    this.sandboxes.set(id, info);
    return { ...info };
  }

  async destroy(id: string): Promise<void> {
    this.sandboxes.delete(id);
    this.disks.delete(id);
    this.calls.push(`destroy ${id}`);
  }

  async prune(): Promise<string[]> {
    return [];
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIN = 60_000;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await sleep(2);
  }
  throw new Error(`timed out waiting for ${what}`);
}

let managers: SandboxManager[] = [];
afterEach(async () => {
  await Promise.all(managers.map((m) => m.shutdown()));
  managers = [];
});

function setup(over: Partial<SandboxManagerOptions> = {}, shared?: { driver: FakeDriver; store: SandboxStore; clock: { now: number } }) {
  const clock = shared?.clock ?? { now: Date.UTC(2026, 0, 1) };
  const driver = shared?.driver ?? new FakeDriver(() => clock.now);
  const store = shared?.store ?? createMemorySandboxStore();
  const logs: string[] = [];
  const manager = new SandboxManager({
    driver,
    store,
    limits: { memoryMb: 2048, cpus: 1, pids: 2048, diskMb: 10240 },
    poolSize: 0,
    idleTimeoutMs: 60 * MIN,
    maxLifetimeMs: 480 * MIN,
    now: () => clock.now,
    refillDelayMs: 0,
    log: (message) => logs.push(message),
    ...over,
  });
  managers.push(manager);
  return { manager, driver, store, clock, logs };
}

describe("SandboxManager", () => {
  it("makes a sandbox for a new learner, reporting progress, and reuses it afterwards", async () => {
    const { manager, driver, store } = setup();
    await manager.start();
    const phases: SandboxProgress["phase"][] = [];
    const first = await manager.acquire("ann", (p) => phases.push(p.phase));
    expect(phases).toEqual(["starting sandbox", "starting Docker", "ready"]);
    expect(first.fromPool).toBe(false);
    expect(driver.calls).toContain(`exec ${first.sandboxId} layerlab-docker-start`);
    expect(await store.get("ann")).toMatchObject({ sandboxId: first.sandboxId });

    const again = await manager.acquire("ann");
    expect(again.sandboxId).toBe(first.sandboxId);
    expect(driver.created).toBe(1);
  });

  it("gives two concurrent requests of one learner the same single sandbox", async () => {
    const { manager, driver } = setup();
    await manager.start();
    const [a, b] = await Promise.all([manager.acquire("ann"), manager.acquire("ann")]);
    expect(a.sandboxId).toBe(b.sandboxId);
    expect(driver.created).toBe(1);
  });

  it("fills the pool at start, hands out a ready sandbox from it and refills, one create at a time", async () => {
    const { manager, driver } = setup({ poolSize: 3 });
    await manager.start();
    await until(() => manager.status().poolReady === 3, "a full pool");
    const phases: string[] = [];
    const got = await manager.acquire("ann", (p) => phases.push(p.phase));
    expect(got.fromPool).toBe(true);
    expect(phases).toEqual(["ready"]);
    await until(() => manager.status().poolReady === 3, "the pool refilled");
    expect(driver.created).toBe(4);
    expect(driver.maxCreating).toBe(1);
  });

  it("waits a moment after a hand-out before refilling, so the learner's first commands get the CPU", async () => {
    const { manager, driver } = setup({ poolSize: 1, refillDelayMs: 80 });
    await manager.start();
    await until(() => manager.status().poolReady === 1, "a full pool");
    await manager.acquire("ann");
    await sleep(40);
    expect(driver.created).toBe(1);
    await until(() => manager.status().poolReady === 1, "the pool refilled");
    expect(driver.created).toBe(2);
  });

  it("hands a learner the pool sandbox that is closest to ready instead of starting another", async () => {
    const { manager, driver } = setup({ poolSize: 1 });
    driver.createDelayMs = 30;
    await manager.start();
    const got = await manager.acquire("ann");
    expect(got.fromPool).toBe(true);
    expect(got.sandboxId).toBe("sb1");
  });

  it("hands out a freshly checked pool sandbox without another check", async () => {
    const { manager, driver } = setup({ poolSize: 1 });
    await manager.start();
    await until(() => manager.status().poolReady === 1, "a full pool");
    const execs = driver.calls.filter((c) => c.startsWith("exec")).length;
    await manager.acquire("ann");
    expect(driver.calls.filter((c) => c.startsWith("exec")).length).toBe(execs);
  });

  it("checks a pool sandbox not checked lately before handing it out, and skips it if dead", async () => {
    const { manager, driver, clock } = setup({ poolSize: 2 });
    await manager.start();
    await until(() => manager.status().poolReady === 2, "a full pool");
    clock.now += 3 * MIN;
    driver.sandboxes.delete("sb1");
    const got = await manager.acquire("ann");
    expect(got.sandboxId).toBe("sb2");
  });

  it("replaces a pool sandbox that the periodic health check finds broken", async () => {
    const { manager, driver } = setup({ poolSize: 1 });
    await manager.start();
    await until(() => manager.status().poolReady === 1, "a full pool");
    driver.sandboxes.delete("sb1");
    await manager.reap();
    await until(() => manager.status().poolReady === 1 && driver.sandboxes.has("sb2"), "a replacement");
  });

  it("reset destroys the old sandbox and gives a fresh one; release destroys and forgets", async () => {
    const { manager, driver, store } = setup();
    await manager.start();
    const first = await manager.acquire("ann");
    const fresh = await manager.reset("ann");
    expect(fresh.sandboxId).not.toBe(first.sandboxId);
    expect(driver.sandboxes.has(first.sandboxId)).toBe(false);
    await manager.release("ann");
    expect(driver.sandboxes.size).toBe(0);
    expect(await store.get("ann")).toBeUndefined();
  });

  it("stops an idle learner's sandbox and starts it again, home kept, when they come back", async () => {
    const { manager, driver, clock } = setup();
    await manager.start();
    const { sandboxId } = await manager.acquire("ann");
    clock.now += 30 * MIN;
    manager.touch("ann");
    clock.now += 59 * MIN;
    await manager.reap();
    expect(driver.sandboxes.get(sandboxId)!.running).toBe(true);
    clock.now += 2 * MIN;
    await manager.reap();
    expect(driver.sandboxes.get(sandboxId)!.running).toBe(false);

    const phases: string[] = [];
    const back = await manager.acquire("ann", (p) => phases.push(p.phase));
    expect(back.sandboxId).toBe(sandboxId);
    expect(phases).toEqual(["starting sandbox", "starting Docker", "ready"]);
    expect(driver.calls).toContain(`start ${sandboxId}`);
  });

  it("destroys sandboxes past their lifetime, the learner's and the pool's, and refills the pool", async () => {
    const { manager, driver, clock, store } = setup({ poolSize: 1 });
    await manager.start();
    const { sandboxId } = await manager.acquire("ann");
    await until(() => manager.status().poolReady === 1, "the pool refilled");
    clock.now += 481 * MIN;
    manager.touch("ann");
    await manager.reap();
    expect(driver.sandboxes.has(sandboxId)).toBe(false);
    expect(await store.get("ann")).toBeUndefined();
    await until(() => manager.status().poolReady === 1 && driver.sandboxes.size === 1, "a fresh pool");
    expect(driver.calls.filter((c) => c.startsWith("destroy"))).toHaveLength(2);
  });

  it("writes activity to the store at most once a minute", async () => {
    const { manager, clock, store } = setup();
    await manager.start();
    await manager.acquire("ann");
    const assigned = (await store.get("ann"))!.lastActiveAt.getTime();
    clock.now += 10_000;
    manager.touch("ann");
    expect((await store.get("ann"))!.lastActiveAt.getTime()).toBe(assigned);
    clock.now += 55_000;
    manager.touch("ann");
    await sleep(1);
    expect((await store.get("ann"))!.lastActiveAt.getTime()).toBe(clock.now);
  });

  it("after a restart finds the learner's sandbox again, adopts the pool, and replaces what is gone when its learner comes back", async () => {
    const first = setup({ poolSize: 1 });
    await first.manager.start();
    const { sandboxId } = await first.manager.acquire("ann");
    const bob = await first.manager.acquire("bob");
    await until(() => first.manager.status().poolReady === 1, "the pool refilled");
    await first.manager.shutdown();
    first.driver.sandboxes.delete(bob.sandboxId);
    first.driver.disks.delete(bob.sandboxId);
    const created = first.driver.created;

    const second = setup({ poolSize: 1 }, first);
    await second.manager.start();
    expect(second.manager.status()).toMatchObject({ poolReady: 1, learners: 2 });
    expect((await second.manager.acquire("ann")).sandboxId).toBe(sandboxId);
    expect(first.driver.created).toBe(created);
    // Bob's container and disk are gone: his return gets the pool's sandbox.
    expect((await second.manager.acquire("bob")).sandboxId).not.toBe(bob.sandboxId);
  });

  it("keeps the home of a sandbox that expired with its container removed: the container is made on the disk first; disk gone, nothing to keep", async () => {
    const kept: string[] = [];
    const homes = { keep: async (learnerId: string, sandboxId: string) => void kept.push(`${learnerId} ${sandboxId}`), pending: async () => null, restore: async () => {}, restoreFailed: async () => {}, discard: async () => {}, sweep: async () => {} };
    const first = setup({ homes });
    await first.manager.start();
    const ann = await first.manager.acquire("ann");
    const bob = await first.manager.acquire("bob");
    await first.manager.shutdown();
    first.driver.sandboxes.delete(ann.sandboxId);
    first.driver.sandboxes.delete(bob.sandboxId);
    first.driver.disks.delete(bob.sandboxId);
    const second = setup({ homes }, first);
    await second.manager.start();
    first.clock.now += 481 * MIN;
    await second.manager.reap();
    expect(first.driver.calls).toContain(`recreate ${ann.sandboxId}`);
    expect(kept).toEqual([`ann ${ann.sandboxId}`]);
    // Both forgotten: their next visit starts fresh (Ann's with her kept home).
    expect(second.manager.status().learners).toBe(0);
  });

  it("makes a new sandbox when the learner's container and its disk vanished behind its back", async () => {
    const { manager, driver } = setup();
    await manager.start();
    const { sandboxId } = await manager.acquire("ann");
    driver.sandboxes.delete(sandboxId);
    driver.disks.delete(sandboxId);
    const again = await manager.acquire("ann");
    expect(again.sandboxId).not.toBe(sandboxId);
  });

  it("makes a new container on the disk of a sandbox whose container was removed, the same sandbox, and says so", async () => {
    const recoveries: unknown[] = [];
    const { manager, driver } = setup({ onRecovered: (r) => recoveries.push(r) });
    await manager.start();
    const { sandboxId } = await manager.acquire("ann");
    driver.sandboxes.delete(sandboxId);
    const phases: string[] = [];
    const again = await manager.acquire("ann", (p) => phases.push(p.phase));
    expect(again.sandboxId).toBe(sandboxId);
    expect(driver.calls).toContain(`recreate ${sandboxId}`);
    expect(driver.calls).not.toContain(`destroy ${sandboxId}`);
    expect(phases).toEqual(["starting sandbox", "starting Docker", "ready"]);
    expect(recoveries).toEqual([{ learnerId: "ann", sandboxId, fault: "removed", action: "recreated", ms: 0 }]);
  });

  it("after a restart makes a new container on the disk of a learner's sandbox removed while the lab was down", async () => {
    const recoveries: unknown[] = [];
    const first = setup();
    await first.manager.start();
    const { sandboxId } = await first.manager.acquire("ann");
    const bob = await first.manager.acquire("bob");
    await first.manager.shutdown();
    first.driver.sandboxes.delete(sandboxId);
    first.driver.sandboxes.delete(bob.sandboxId);
    first.driver.disks.delete(bob.sandboxId);

    const second = setup({ onRecovered: (r) => recoveries.push(r) }, first);
    await second.manager.start();
    // Nothing is made at start: the learner's return makes the container.
    expect(first.driver.calls).not.toContain(`recreate ${sandboxId}`);
    expect(first.driver.disks.has(sandboxId)).toBe(true);
    expect((await second.manager.acquire("ann")).sandboxId).toBe(sandboxId);
    expect(first.driver.calls).toContain(`recreate ${sandboxId}`);
    expect(recoveries).toEqual([{ learnerId: "ann", sandboxId, fault: "removed", action: "recreated", ms: 0 }]);
    // Bob's disk went too: his return gets a new sandbox, and hears why.
    expect((await second.manager.acquire("bob")).sandboxId).not.toBe(bob.sandboxId);
    expect(recoveries.at(-1)).toMatchObject({ learnerId: "bob", fault: "gone", action: "replaced" });
  });

  it("starts a sandbox killed behind its back again, the same one, and says so", async () => {
    const recoveries: unknown[] = [];
    const { manager, driver } = setup({ onRecovered: (r) => recoveries.push(r) });
    await manager.start();
    const { sandboxId } = await manager.acquire("ann");
    // Positive control: a healthy sandbox is handed out again without a word.
    expect((await manager.acquire("ann")).sandboxId).toBe(sandboxId);
    expect(recoveries).toEqual([]);
    driver.sandboxes.get(sandboxId)!.running = false;
    const phases: string[] = [];
    const again = await manager.acquire("ann", (p) => phases.push(p.phase));
    expect(again.sandboxId).toBe(sandboxId);
    expect(driver.calls).toContain(`start ${sandboxId}`);
    expect(driver.calls).not.toContain(`destroy ${sandboxId}`);
    expect(phases).toEqual(["starting sandbox", "starting Docker", "ready"]);
    expect(recoveries).toEqual([{ learnerId: "ann", sandboxId, fault: "stopped", action: "started", ms: 0 }]);
  });

  it("retries a container that will not start, and replaces it only after the last try (beyond repair)", async () => {
    const recoveries: { fault: string; action: string; sandboxId: string }[] = [];
    const { manager, driver } = setup({ onRecovered: (r) => recoveries.push(r), startRetryMs: 1 });
    await manager.start();
    const { sandboxId } = await manager.acquire("ann");
    driver.sandboxes.get(sandboxId)!.running = false;
    driver.failStarts = 2;
    expect((await manager.acquire("ann")).sandboxId).toBe(sandboxId);
    expect(driver.calls.filter((c) => c === `start ${sandboxId}`)).toHaveLength(3);

    driver.sandboxes.get(sandboxId)!.running = false;
    driver.failStarts = 3;
    const fresh = await manager.acquire("ann");
    expect(fresh.sandboxId).not.toBe(sandboxId);
    expect(driver.calls).toContain(`destroy ${sandboxId}`);
    expect(recoveries.at(-1)).toMatchObject({ sandboxId: fresh.sandboxId, fault: "gone", action: "replaced" });
  });

  it("recover() restarts a wedged sandbox with its disk, and does nothing for a sandbox no longer the learner's", async () => {
    const recoveries: unknown[] = [];
    const { manager, driver } = setup({ onRecovered: (r) => recoveries.push(r) });
    await manager.start();
    const { sandboxId } = await manager.acquire("ann");
    // The learner's turn ends a moment after acquire() answers; the watchdog skips learners in the middle of one.
    await sleep(0);
    expect(manager.watched()).toEqual([{ learnerId: "ann", sandboxId }]);
    await manager.recover("ann", "someone-else", "memory");
    expect(recoveries).toEqual([]);
    await manager.recover("ann", sandboxId, "memory");
    expect(driver.calls.slice(-3)).toEqual([`stop ${sandboxId}`, `start ${sandboxId}`, `exec ${sandboxId} layerlab-docker-start`]);
    expect(recoveries).toEqual([{ learnerId: "ann", sandboxId, fault: "memory", action: "restarted", ms: 0 }]);
    expect((await manager.acquire("ann")).sandboxId).toBe(sandboxId);
  });

  it("recover() makes no new sandbox for a learner whose sandbox is gone; their next visit does, and hears why", async () => {
    const recoveries: { fault: string; action: string; sandboxId: string }[] = [];
    const { manager, driver } = setup({ onRecovered: (r) => recoveries.push(r) });
    await manager.start();
    const { sandboxId } = await manager.acquire("ann");
    driver.sandboxes.delete(sandboxId);
    driver.disks.delete(sandboxId);
    const created = driver.created;
    await manager.recover("ann", sandboxId, "stopped");
    expect(driver.created).toBe(created);
    expect(recoveries).toEqual([]);
    const fresh = await manager.acquire("ann");
    expect(fresh.sandboxId).not.toBe(sandboxId);
    expect(recoveries).toEqual([expect.objectContaining({ sandboxId: fresh.sandboxId, fault: "gone", action: "replaced" })]);
  });

  it("says a learner is idle (a lost terminal waits for them) only once the idle timeout has passed", async () => {
    const { manager, clock } = setup();
    await manager.start();
    expect(manager.isIdle("ann")).toBe(true);
    await manager.acquire("ann");
    expect(manager.isIdle("ann")).toBe(false);
    clock.now += 61 * MIN;
    expect(manager.isIdle("ann")).toBe(true);
  });

  it("backs off when pool creates fail instead of retrying in a loop, and reports the failure", async () => {
    const { manager, driver, logs } = setup({ poolSize: 2 });
    driver.failCreates = true;
    await manager.start();
    await until(() => logs.length >= 1, "a logged failure");
    await sleep(100);
    expect(logs.length).toBeLessThanOrEqual(2);
    expect(logs[0]).toMatch(/making a pool sandbox failed/);
    await expect(manager.acquire("ann")).rejects.toThrow(/image missing/);
  });
});

/** A fixed number of places and workshop seats, as server/admission/lab-admission.ts answers from the host and the database. */
function admission(places: number, members: Record<string, string> = {}, seats: Record<string, number> = {}) {
  const policy = {
    places: places,
    starts: [] as string[],
    policy: {
      places: async () => policy.places,
      workshopOf: async (learnerId: string) => members[learnerId] ?? null,
      seats: async () => new Map(Object.entries(seats)),
      startAllowed: (address: string) => {
        policy.starts.push(address);
        if (address === "10.0.0.66") throw new Error("Too many sandbox starts from your network.");
      },
    },
  };
  return policy;
}

describe("SandboxManager admission", () => {
  it("puts a learner in line when the lab is full, tells them their position, and starts them when a place frees", async () => {
    const places = admission(1);
    const { manager, driver } = setup({ admission: places.policy });
    await manager.start();
    await manager.acquire("ann");
    const bob: SandboxProgress[] = [];
    const carol: SandboxProgress[] = [];
    const bobGets = manager.acquire("bob", (p) => bob.push(p));
    await until(() => bob.length > 0, "bob queued");
    const carolGets = manager.acquire("carol", (p) => carol.push(p));
    await until(() => carol.length > 0, "carol queued");
    expect(bob).toEqual([{ phase: "queued", position: 1 }]);
    expect(carol).toEqual([{ phase: "queued", position: 2 }]);
    expect(manager.queue().map((q) => [q.learnerId, q.position])).toEqual([["bob", 1], ["carol", 2]]);
    expect(manager.admissionStatus()).toMatchObject({ places: 1, held: 1, waiting: 2 });
    expect(driver.created).toBe(1);

    await manager.release("ann");
    const got = await bobGets;
    expect(bob.map((p) => p.phase)).toEqual(["queued", "starting sandbox", "starting Docker", "ready"]);
    expect(got.sandboxId).toBe(driver.sandboxes.keys().next().value);
    await until(() => carol.length > 1, "carol moved up");
    expect(carol.at(-1)).toEqual({ phase: "queued", position: 1 });

    await manager.release("bob");
    await carolGets;
    expect(manager.admissionStatus()).toMatchObject({ held: 1, waiting: 0 });
  });

  it("starts a learner at once while there is room (positive control)", async () => {
    const { manager } = setup({ admission: admission(2).policy });
    await manager.start();
    await manager.acquire("ann");
    const phases: string[] = [];
    await manager.acquire("bob", (p) => phases.push(p.phase));
    expect(phases).toEqual(["starting sandbox", "starting Docker", "ready"]);
  });

  it("keeps a learner's place through a reset and a vanished sandbox, so they never go back in line", async () => {
    const places = admission(1);
    const { manager, driver } = setup({ admission: places.policy });
    await manager.start();
    const first = await manager.acquire("ann");
    const bobGets = manager.acquire("bob");
    await until(() => manager.queue().length === 1, "bob queued");
    const fresh = await manager.reset("ann");
    expect(fresh.sandboxId).not.toBe(first.sandboxId);
    driver.sandboxes.delete(fresh.sandboxId);
    driver.disks.delete(fresh.sandboxId);
    expect((await manager.acquire("ann")).sandboxId).not.toBe(fresh.sandboxId);
    expect(manager.queue().map((q) => q.learnerId)).toEqual(["bob"]);
    await manager.release("ann");
    await bobGets;
  });

  it("takes a learner out of line when every page that waited went away", async () => {
    const { manager } = setup({ admission: admission(1).policy, queueGraceMs: 0 });
    await manager.start();
    await manager.acquire("ann");
    const tab1 = new AbortController();
    const tab2 = new AbortController();
    const first = manager.acquire("bob", undefined, { signal: tab1.signal });
    await until(() => manager.queue().length === 1, "bob queued");
    const reload: SandboxProgress[] = [];
    // A second tab (or a reload) follows the same place in line at once.
    const second = manager.acquire("bob", (p) => reload.push(p), { signal: tab2.signal });
    expect(reload).toEqual([{ phase: "queued", position: 1 }]);
    tab1.abort();
    await sleep(10);
    expect(manager.queue()).toHaveLength(1);
    tab2.abort();
    await expect(first).rejects.toThrow(/left the queue/);
    await expect(second).rejects.toThrow(/left the queue/);
    expect(manager.queue()).toHaveLength(0);
    // The place freed later goes to nobody who left.
    await manager.release("ann");
    expect(manager.admissionStatus()).toMatchObject({ held: 0, waiting: 0 });
  });

  it("keeps a running workshop's seats for its members: a member passes the public in line, the public never takes a seat", async () => {
    // 2 places, workshop w1 has 1 seat: the public may use only 1.
    const places = admission(2, { max: "w1" }, { w1: 1 });
    const { manager } = setup({ admission: places.policy });
    await manager.start();
    await manager.acquire("ann");
    const bobGets = manager.acquire("bob");
    await until(() => manager.queue().length === 1, "bob queued behind the seat kept for w1");
    const max: string[] = [];
    await manager.acquire("max", (p) => max.push(p.phase));
    expect(max[0]).toBe("starting sandbox");
    expect(manager.queue().map((q) => q.learnerId)).toEqual(["bob"]);
    await manager.release("ann");
    await bobGets;
  });

  it("counts a start against the requester's address, and not a learner who has a place", async () => {
    const places = admission(5);
    const { manager } = setup({ admission: places.policy });
    await manager.start();
    await manager.acquire("ann", undefined, { address: "10.0.0.1" });
    await manager.acquire("ann", undefined, { address: "10.0.0.1" });
    await manager.reset("ann");
    expect(places.starts).toEqual(["10.0.0.1"]);
    await expect(manager.acquire("bob", undefined, { address: "10.0.0.66" })).rejects.toThrow(/Too many sandbox starts/);
    expect(manager.admissionStatus()).toMatchObject({ held: 1, waiting: 0 });
  });

  it("fills the warm pool only within the lab's places", async () => {
    const places = admission(2);
    const { manager, driver } = setup({ admission: places.policy, poolSize: 3 });
    await manager.start();
    await until(() => manager.status().poolReady === 2, "two pool sandboxes");
    await sleep(20);
    expect(driver.created).toBe(2);
    await manager.acquire("ann");
    await manager.acquire("bob");
    const carolGets = manager.acquire("carol");
    await until(() => manager.queue().length === 1, "carol queued");
    expect(driver.created).toBe(2);
    await manager.release("ann");
    await carolGets;
  });

  it("keeps the place in line of a learner who reloads the page, and gives it up after the grace time", async () => {
    const { manager } = setup({ admission: admission(1).policy, queueGraceMs: 40 });
    await manager.start();
    await manager.acquire("ann");
    const page1 = new AbortController();
    const first = manager.acquire("bob", undefined, { signal: page1.signal });
    await until(() => manager.queue().length === 1, "bob queued");
    const carolGets = manager.acquire("carol");
    await until(() => manager.queue().length === 2, "carol queued");
    page1.abort();
    // The reloaded page comes back within the grace time: still number 1.
    const page2 = new AbortController();
    const seen: SandboxProgress[] = [];
    const second = manager.acquire("bob", (p) => seen.push(p), { signal: page2.signal });
    expect(seen).toEqual([{ phase: "queued", position: 1 }]);
    await sleep(80);
    expect(manager.queue().map((q) => q.learnerId)).toEqual(["bob", "carol"]);
    // Gone for good: carol moves up.
    page2.abort();
    await expect(first).rejects.toThrow(/left the queue/);
    await expect(second).rejects.toThrow(/left the queue/);
    expect(manager.queue().map((q) => q.learnerId)).toEqual(["carol"]);
    await manager.release("ann");
    await carolGets;
  });

  it("answers learners still in line when the lab shuts down", async () => {
    const { manager } = setup({ admission: admission(1).policy });
    await manager.start();
    await manager.acquire("ann");
    const bobGets = manager.acquire("bob");
    await until(() => manager.queue().length === 1, "bob queued");
    await manager.shutdown();
    await expect(bobGets).rejects.toThrow(/shutting down/);
  });
});
