import "server-only";
import type { SandboxInfo } from "./driver";
import type { SandboxAssignment } from "./sandbox-store";

/**
 * The sandbox manager's decisions, as pure functions of what it knows: what to keep, adopt or
 * destroy after a restart, what to stop or destroy as time passes, how many to start for the pool.
 */
export interface LifecycleLimits {
  /** A learner's sandbox with no activity for this long is stopped (memory back, home kept). */
  idleTimeoutMs: number;
  /** Any sandbox older than this is destroyed, however busy: a hard cap set by the operator. */
  maxLifetimeMs: number;
}

export interface ReconcilePlan {
  /** Assignments whose sandbox still exists. */
  keep: SandboxAssignment[];
  /** Learners whose assignment is dropped (sandbox gone, expired, or claimed twice). */
  forget: string[];
  /** Unassigned running sandboxes that go (back) into the warm pool. */
  adopt: string[];
  destroy: string[];
}

/**
 * After a restart: the driver's sandboxes (this lab instance's only) against the stored assignments.
 * Stopped sandboxes that belong to a learner are kept (their home is their work); unassigned ones
 * refill the pool, newest first, and the rest go.
 */
export function planReconcile(sandboxes: SandboxInfo[], assignments: SandboxAssignment[], poolSize: number, now: number, limits: LifecycleLimits): ReconcilePlan {
  const byId = new Map(sandboxes.map((s) => [s.id, s]));
  const expired = (s: SandboxInfo) => s.createdAt.getTime() + limits.maxLifetimeMs <= now;
  const plan: ReconcilePlan = { keep: [], forget: [], adopt: [], destroy: [] };
  const claimed = new Set<string>();
  for (const a of [...assignments].sort((x, y) => x.assignedAt.getTime() - y.assignedAt.getTime())) {
    const sandbox = byId.get(a.sandboxId);
    if (!sandbox || claimed.has(a.sandboxId)) {
      plan.forget.push(a.learnerId);
    } else if (expired(sandbox)) {
      plan.forget.push(a.learnerId);
      plan.destroy.push(sandbox.id);
      claimed.add(sandbox.id);
    } else {
      plan.keep.push(a);
      claimed.add(sandbox.id);
    }
  }
  const unassigned = sandboxes.filter((s) => !claimed.has(s.id)).sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime());
  for (const s of unassigned) {
    if (s.running && !expired(s) && plan.adopt.length < poolSize) plan.adopt.push(s.id);
    else plan.destroy.push(s.id);
  }
  return plan;
}

export interface TrackedSandbox {
  sandboxId: string;
  createdAt: number;
  running: boolean;
  /** Set for a learner's sandbox; a pool sandbox has neither. */
  learnerId?: string;
  lastActiveAt?: number;
}

export interface ReapPlan {
  stop: string[];
  destroy: string[];
}

/** Idle learners' sandboxes stop; anything past the lifetime cap is destroyed, pool sandboxes included. */
export function planReaping(sandboxes: TrackedSandbox[], now: number, limits: LifecycleLimits): ReapPlan {
  const plan: ReapPlan = { stop: [], destroy: [] };
  for (const s of sandboxes) {
    if (s.createdAt + limits.maxLifetimeMs <= now) plan.destroy.push(s.sandboxId);
    else if (s.learnerId !== undefined && s.running && (s.lastActiveAt ?? s.createdAt) + limits.idleTimeoutMs <= now) plan.stop.push(s.sandboxId);
  }
  return plan;
}

/** How many sandboxes to start for the pool now (the create gate decides when each really runs). */
export function poolDeficit(pooled: number, poolSize: number): number {
  return Math.max(0, poolSize - pooled);
}

/** Wait before retrying after `failures` pool refills failed in a row: 2 s, 4 s, … up to 2 minutes. */
export function refillBackoffMs(failures: number): number {
  return failures <= 0 ? 0 : Math.min(120_000, 1000 * 2 ** failures);
}
