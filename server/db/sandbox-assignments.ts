import "server-only";
import type { SandboxAssignment, SandboxStore } from "../sandbox/sandbox-store";
import { db } from "./client";

/** The sandbox manager's store in the database, so a restarted server (or another replica) finds every sandbox again. */
export function createDatabaseSandboxStore(): SandboxStore {
  const select = { learnerId: true, sandboxId: true, assignedAt: true, lastActiveAt: true } as const;
  return {
    async get(learnerId) {
      return (await db().sandboxAssignment.findUnique({ where: { learnerId }, select })) ?? undefined;
    },
    async set(a: SandboxAssignment) {
      // A sandbox belongs to one learner: drop any stale row that still names it.
      await db().$transaction([
        db().sandboxAssignment.deleteMany({ where: { sandboxId: a.sandboxId, NOT: { learnerId: a.learnerId } } }),
        db().sandboxAssignment.upsert({
          where: { learnerId: a.learnerId },
          create: { learnerId: a.learnerId, sandboxId: a.sandboxId, assignedAt: a.assignedAt, lastActiveAt: a.lastActiveAt },
          update: { sandboxId: a.sandboxId, assignedAt: a.assignedAt, lastActiveAt: a.lastActiveAt },
        }),
      ]);
    },
    async delete(learnerId) {
      await db().sandboxAssignment.deleteMany({ where: { learnerId } });
    },
    async list() {
      return db().sandboxAssignment.findMany({ select });
    },
  };
}
