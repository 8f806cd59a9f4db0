import "server-only";
import { db } from "./client";

/** Everything an instructor can do to a room, as the audit trail names it. */
export type AuditAction =
  | "workshop.create"
  | "workshop.lock"
  | "workshop.unlock"
  | "workshop.broadcast"
  | "workshop.end"
  | "learner.message"
  | "learner.reset-sandbox"
  | "learner.watch-terminal"
  | "workshop.export"
  | "workshop.drill-board.show"
  | "workshop.drill-board.hide"
  | "instructor.create";

export interface AuditEvent {
  id: number;
  actorId: string;
  workshopId: string | null;
  action: string;
  detail: Record<string, unknown>;
  createdAt: Date;
}

export async function recordAudit(event: {
  actorId: string;
  workshopId?: string;
  action: AuditAction;
  detail?: Record<string, unknown>;
}): Promise<void> {
  await db().auditEvent.create({
    data: { actorId: event.actorId, workshopId: event.workshopId ?? null, action: event.action, detail: JSON.stringify(event.detail ?? {}) },
  });
}

/** A workshop's trail, oldest first. */
export async function auditTrailOf(workshopId: string): Promise<AuditEvent[]> {
  const rows = await db().auditEvent.findMany({ where: { workshopId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
}
