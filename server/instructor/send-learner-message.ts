import "server-only";
import type { InstructorIdentity } from "../auth/instructor-session";
import { recordAudit } from "../db/audit";
import { saveWorkshopMessage } from "../db/workshop-messages";
import type { Workshop } from "../db/workshops";
import type { LabRuntime } from "../runtime";

/** A message from the instructor to one learner of their room, kept and audited; it appears on that learner's page only. */
export async function sendLearnerMessage(lab: Pick<LabRuntime, "events">, instructor: InstructorIdentity, workshop: Workshop, learnerId: string, text: string): Promise<void> {
  await saveWorkshopMessage({ workshopId: workshop.id, learnerId, text });
  await recordAudit({ actorId: instructor.id, workshopId: workshop.id, action: "learner.message", detail: { learnerId, length: text.length } });
  lab.events.publish(learnerId, { type: "message", from: instructor.displayName, text });
}
