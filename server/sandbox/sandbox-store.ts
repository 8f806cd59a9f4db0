import "server-only";

/**
 * Which learner owns which sandbox. The manager keeps this in a store so that a restarted server
 * (or another replica) finds every learner's sandbox again; the database backs it in production.
 */
export interface SandboxAssignment {
  learnerId: string;
  sandboxId: string;
  assignedAt: Date;
  /** Last activity seen (terminal input, checks, file saves); written at most about once a minute. */
  lastActiveAt: Date;
}

export interface SandboxStore {
  get(learnerId: string): Promise<SandboxAssignment | undefined>;
  /** Inserts or replaces the learner's assignment. */
  set(assignment: SandboxAssignment): Promise<void>;
  delete(learnerId: string): Promise<void>;
  list(): Promise<SandboxAssignment[]>;
}

/** A store that lives as long as the process: for tests, and for a lab run without a database. */
export function createMemorySandboxStore(): SandboxStore {
  const assignments = new Map<string, SandboxAssignment>();
  const copy = (a: SandboxAssignment): SandboxAssignment => ({ ...a, assignedAt: new Date(a.assignedAt), lastActiveAt: new Date(a.lastActiveAt) });
  return {
    async get(learnerId) {
      const a = assignments.get(learnerId);
      return a && copy(a);
    },
    async set(assignment) {
      assignments.set(assignment.learnerId, copy(assignment));
    },
    async delete(learnerId) {
      assignments.delete(learnerId);
    },
    async list() {
      return [...assignments.values()].map(copy);
    },
  };
}
