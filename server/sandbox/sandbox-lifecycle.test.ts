import { describe, expect, it } from "vitest";
import type { SandboxInfo } from "./driver";
import { planReaping, planReconcile, poolDeficit, refillBackoffMs } from "./sandbox-lifecycle";
import type { SandboxAssignment } from "./sandbox-store";

const MIN = 60_000;
const limits = { idleTimeoutMs: 60 * MIN, maxLifetimeMs: 480 * MIN };
const now = Date.UTC(2026, 0, 1, 12);

function sandbox(id: string, ageMin: number, running = true): SandboxInfo {
  return { id, createdAt: new Date(now - ageMin * MIN), running, labels: {} };
}

function assignment(learnerId: string, sandboxId: string, assignedAgoMin = 10): SandboxAssignment {
  return { learnerId, sandboxId, assignedAt: new Date(now - assignedAgoMin * MIN), lastActiveAt: new Date(now - MIN) };
}

describe("planReconcile", () => {
  it("keeps learners' sandboxes, running or stopped, and forgets assignments whose sandbox is gone", () => {
    const plan = planReconcile([sandbox("s1", 30), sandbox("s2", 30, false)], [assignment("ann", "s1"), assignment("bob", "s2"), assignment("cy", "gone")], 2, now, limits);
    expect(plan.keep.map((a) => a.learnerId)).toEqual(["ann", "bob"]);
    expect(plan.forget).toEqual(["cy"]);
    expect(plan.adopt).toEqual([]);
    expect(plan.destroy).toEqual([]);
  });

  it("adopts unassigned running sandboxes into the pool, newest first, and destroys the rest", () => {
    const plan = planReconcile([sandbox("old", 50), sandbox("new", 5), sandbox("mid", 20), sandbox("stopped", 1, false)], [], 2, now, limits);
    expect(plan.adopt).toEqual(["new", "mid"]);
    expect(plan.destroy.sort()).toEqual(["old", "stopped"]);
  });

  it("destroys expired sandboxes, assigned or not, and forgets their learners", () => {
    const plan = planReconcile([sandbox("s1", 481), sandbox("s2", 500)], [assignment("ann", "s1")], 2, now, limits);
    expect(plan.keep).toEqual([]);
    expect(plan.forget).toEqual(["ann"]);
    expect(plan.destroy.sort()).toEqual(["s1", "s2"]);
    expect(plan.adopt).toEqual([]);
  });

  it("gives a sandbox claimed by two learners to the one assigned first", () => {
    const plan = planReconcile([sandbox("s1", 30)], [assignment("late", "s1", 5), assignment("early", "s1", 20)], 0, now, limits);
    expect(plan.keep.map((a) => a.learnerId)).toEqual(["early"]);
    expect(plan.forget).toEqual(["late"]);
  });

  it("with pool size 0 adopts nothing", () => {
    expect(planReconcile([sandbox("s1", 1)], [], 0, now, limits)).toMatchObject({ adopt: [], destroy: ["s1"] });
  });
});

describe("planReaping", () => {
  it("stops a learner's running sandbox once idle for the timeout, not before", () => {
    const plan = planReaping(
      [
        { sandboxId: "idle", learnerId: "a", createdAt: now - 120 * MIN, running: true, lastActiveAt: now - 60 * MIN },
        { sandboxId: "busy", learnerId: "b", createdAt: now - 120 * MIN, running: true, lastActiveAt: now - 59 * MIN },
        { sandboxId: "already-stopped", learnerId: "c", createdAt: now - 120 * MIN, running: false, lastActiveAt: now - 100 * MIN },
      ],
      now,
      limits,
    );
    expect(plan).toEqual({ stop: ["idle"], destroy: [] });
  });

  it("destroys anything past the lifetime cap, busy, stopped or pooled", () => {
    const plan = planReaping(
      [
        { sandboxId: "busy-old", learnerId: "a", createdAt: now - 480 * MIN, running: true, lastActiveAt: now },
        { sandboxId: "stopped-old", learnerId: "b", createdAt: now - 600 * MIN, running: false },
        { sandboxId: "pool-old", createdAt: now - 481 * MIN, running: true },
        { sandboxId: "pool-young", createdAt: now - 479 * MIN, running: true },
      ],
      now,
      limits,
    );
    expect(plan).toEqual({ stop: [], destroy: ["busy-old", "stopped-old", "pool-old"] });
  });

  it("never stops a pool sandbox for idleness", () => {
    expect(planReaping([{ sandboxId: "p", createdAt: now - 300 * MIN, running: true }], now, limits)).toEqual({ stop: [], destroy: [] });
  });

  it("counts a sandbox never touched as idle since it was created", () => {
    expect(planReaping([{ sandboxId: "s", learnerId: "a", createdAt: now - 61 * MIN, running: true }], now, limits).stop).toEqual(["s"]);
  });
});

describe("pool refill", () => {
  it("starts what is missing, never a negative number", () => {
    expect(poolDeficit(0, 3)).toBe(3);
    expect(poolDeficit(2, 3)).toBe(1);
    expect(poolDeficit(5, 3)).toBe(0);
    expect(poolDeficit(0, 0)).toBe(0);
  });

  it("backs off exponentially after failures, capped at two minutes", () => {
    expect(refillBackoffMs(0)).toBe(0);
    expect(refillBackoffMs(1)).toBe(2000);
    expect(refillBackoffMs(3)).toBe(8000);
    expect(refillBackoffMs(20)).toBe(120_000);
  });
});
