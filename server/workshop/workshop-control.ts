import "server-only";
import type { NewWorkshopInput } from "@/lib/validations/workshop";
import type { InstructorIdentity } from "../auth/instructor-session";
import { HttpError } from "../auth/request-guard";
import { getCourse } from "../content/course";
import { getDrills } from "../content/drills";
import { recordAudit } from "../db/audit";
import { setDrillBoardVisible } from "../db/drill-attempts";
import { saveWorkshopMessage } from "../db/workshop-messages";
import { createWorkshop, markWorkshopEnded, membersOf, setLockedChapters, type Workshop } from "../db/workshops";
import type { LabRuntime } from "../runtime";
import { publishToRoom } from "./room-events";

/**
 * What an instructor does to their workshop. Callers have checked ownership (requireWorkshopOwner);
 * every action here writes an audit event.
 */

/** The chosen ids in the content's own order (whatever order the form sent), each once; 400 for any unknown. */
function inContentOrder(all: string[], chosen: string[], what: "chapter" | "drill"): string[] {
  const known = new Set(all);
  const unknown = chosen.filter((id) => !known.has(id));
  if (unknown.length) throw new HttpError(400, `Unknown ${what}: ${unknown.join(", ")}.`);
  return all.filter((id) => chosen.includes(id));
}

export async function createWorkshopFor(lab: Pick<LabRuntime, "sandboxes">, instructor: InstructorIdentity, input: NewWorkshopInput): Promise<Workshop> {
  const [course, drills] = await Promise.all([getCourse(), getDrills()]);
  const chapterIds = inContentOrder(course.chapters.map((c) => c.id), input.chapterIds, "chapter");
  const drillIds = inContentOrder(drills.map((d) => d.id), input.drillIds, "drill");
  const workshop = await createWorkshop({ ...input, chapterIds, drillIds, ownerId: instructor.id });
  await recordAudit({
    actorId: instructor.id,
    workshopId: workshop.id,
    action: "workshop.create",
    detail: { title: workshop.title, chapterIds, drillIds, capacity: workshop.capacity, startsAt: workshop.startsAt, endsAt: workshop.endsAt },
  });
  // A room that opens now gets its seats' sandboxes started at once, before anyone joins (room-warmer.ts).
  void lab.sandboxes.rewarm();
  return workshop;
}

function assertNotEnded(workshop: Workshop): void {
  if (workshop.endedAt) throw new HttpError(409, "This workshop has ended.");
}

export async function setChapterLocked(lab: Pick<LabRuntime, "events">, instructor: InstructorIdentity, workshop: Workshop, chapterId: string, locked: boolean): Promise<Workshop> {
  assertNotEnded(workshop);
  if (!workshop.chapterIds.includes(chapterId)) throw new HttpError(400, `This workshop does not cover the chapter "${chapterId}".`);
  const next = new Set(workshop.lockedChapterIds);
  if (locked) next.add(chapterId);
  else next.delete(chapterId);
  const updated = await setLockedChapters(workshop.id, workshop.chapterIds.filter((id) => next.has(id)));
  await recordAudit({ actorId: instructor.id, workshopId: workshop.id, action: locked ? "workshop.lock" : "workshop.unlock", detail: { chapterId } });
  await publishToRoom(lab.events, workshop.id, { type: "room", change: "chapters" });
  return updated;
}

export async function broadcastToRoom(lab: Pick<LabRuntime, "events">, instructor: InstructorIdentity, workshop: Workshop, text: string): Promise<{ recipients: number }> {
  assertNotEnded(workshop);
  const message = await saveWorkshopMessage({ workshopId: workshop.id, text });
  await recordAudit({ actorId: instructor.id, workshopId: workshop.id, action: "workshop.broadcast", detail: { messageId: message.id, text } });
  const recipients = await publishToRoom(lab.events, workshop.id, { type: "broadcast", id: message.id, text, from: instructor.displayName });
  return { recipients };
}

/** Shows the room its drill leaderboard, or hides it; open drill pages in the room follow at once. */
export async function setDrillBoardShown(lab: Pick<LabRuntime, "events">, instructor: InstructorIdentity, workshop: Workshop, visible: boolean): Promise<void> {
  if (!workshop.drillIds.length) throw new HttpError(400, "This workshop has no drills, so there is no leaderboard to show.");
  await setDrillBoardVisible(workshop.id, visible);
  await recordAudit({ actorId: instructor.id, workshopId: workshop.id, action: visible ? "workshop.drill-board.show" : "workshop.drill-board.hide", detail: {} });
  await publishToRoom(lab.events, workshop.id, { type: "room", change: "drills" });
}

/**
 * Ends the workshop: no more joins, locks lifted, and every member's sandbox released (destroyed), with the ones
 * warmed for seats nobody took, so the host's memory comes back at once instead of after the idle timeout. Progress stays in the database.
 * With `keepWork` each member's home (files, images, build cache) is snapshotted first and comes back at
 * their next visit (within the retention period); without it, homes kept earlier are deleted too.
 */
export async function endWorkshop(
  lab: Pick<LabRuntime, "sandboxes" | "events">,
  instructor: InstructorIdentity, workshop: Workshop, { keepWork }: { keepWork: boolean }): Promise<{ released: number; failed: number }> {
  if (!(await markWorkshopEnded(workshop.id))) throw new HttpError(409, "This workshop has ended already.");
  const members = await membersOf(workshop.id);
  const { sandboxes, events } = lab;
  const results = await Promise.allSettled(members.map((m) => sandboxes.release(m.learnerId, keepWork ? "keep" : "discard")));
  const failed = results.filter((r) => r.status === "rejected").length;
  for (const [i, r] of results.entries()) if (r.status === "rejected") console.error(`releasing the sandbox of learner ${members[i].learnerId}:`, r.reason);
  // The sandboxes warmed for seats nobody took go too.
  await sandboxes.rewarm();
  await recordAudit({ actorId: instructor.id, workshopId: workshop.id, action: "workshop.end", detail: { members: members.length, released: members.length - failed, failed, keepWork } });
  for (const m of members) events.publish(m.learnerId, { type: "room", change: "ended" });
  return { released: members.length - failed, failed };
}
