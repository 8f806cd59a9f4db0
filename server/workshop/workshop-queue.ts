import "server-only";
import type { WorkshopQueue } from "@/lib/admission/lab-queue";
import type { SandboxManager } from "../sandbox/sandbox-manager";
import { membersOf, type Workshop } from "../db/workshops";

/** The lab's queue for a workshop's instructor: its length, and which of their members wait (with names). */
export async function workshopQueue(workshop: Pick<Workshop, "id">, sandboxes: Pick<SandboxManager, "queue" | "admissionStatus">): Promise<WorkshopQueue> {
  const status = sandboxes.admissionStatus();
  const queue = sandboxes.queue();
  const names = queue.length ? new Map((await membersOf(workshop.id)).map((m) => [m.learnerId, m.displayName])) : new Map<string, string>();
  return {
    places: Number.isFinite(status.places) ? status.places : null,
    held: status.held,
    waiting: status.waiting,
    members: queue
      .filter((q) => names.has(q.learnerId))
      .map((q) => ({ learnerId: q.learnerId, displayName: names.get(q.learnerId)!, position: q.position, waitingSince: new Date(q.since).toISOString() })),
  };
}
