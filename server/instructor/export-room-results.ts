import "server-only";
import { roomCsv, type RoomSettings } from "@/lib/workshop/room";
import type { InstructorIdentity } from "../auth/instructor-session";
import { recordAudit } from "../db/audit";
import type { Workshop } from "../db/workshops";
import type { LabRuntime } from "../runtime";

/** The room's results as a CSV file, one line per learner, and the file name to offer; the export is audited. */
export async function exportRoomResults(lab: Pick<LabRuntime, "roomFeed">, instructor: InstructorIdentity, workshop: Workshop, settings: RoomSettings): Promise<{ csv: string; fileName: string }> {
  const csv = roomCsv(await lab.roomFeed.snapshot(workshop, settings));
  await recordAudit({ actorId: instructor.id, workshopId: workshop.id, action: "workshop.export" });
  return { csv, fileName: `${workshop.title.replace(/[^\p{L}\p{N}._-]+/gu, "-").slice(0, 60) || "workshop"}-results.csv` };
}
