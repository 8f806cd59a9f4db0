import "server-only";
import type { WatchQuery } from "@/lib/terminal-protocol";
import { instructorFromToken, instructorTokenFromCookieHeader } from "../auth/instructor-session";
import { recordAudit } from "../db/audit";
import { findWorkshop, isMember } from "../db/workshops";

/**
 * May the browser behind this Cookie header watch the learner's terminal? Only the instructor who owns the
 * workshop, and only for a learner in it. Each granted watch goes to the audit trail.
 * (The terminal gateway runs outside Next's request scope, hence the raw header.)
 */
export async function instructorMayWatch(cookieHeader: string | undefined, query: WatchQuery): Promise<boolean> {
  const instructor = await instructorFromToken(instructorTokenFromCookieHeader(cookieHeader));
  if (!instructor) return false;
  const workshop = await findWorkshop(query.workshop);
  if (!workshop || workshop.ownerId !== instructor.id || !(await isMember(workshop.id, query.learner))) return false;
  await recordAudit({ actorId: instructor.id, workshopId: workshop.id, action: "learner.watch-terminal", detail: { learnerId: query.learner } });
  return true;
}
