import "server-only";
import type { InstructorIdentity } from "../auth/instructor-session";
import { recordAudit } from "../db/audit";
import type { LabRuntime } from "../runtime";
import { giveFreshSandbox, type FreshSandboxLab } from "../sandbox/start-over";

/**
 * An instructor gives a learner of their room a fresh sandbox (progress is kept), audited. The learner's open
 * pages are told who did it and put their exercise's files back into the new sandbox themselves (the lab does not
 * know which chapter or drill a learner has open).
 */
export async function resetLearnerSandbox(
  lab: FreshSandboxLab & Pick<LabRuntime, "roomFeed">,
  instructor: InstructorIdentity,
  workshopId: string,
  learnerId: string,
): Promise<void> {
  await recordAudit({ actorId: instructor.id, workshopId, action: "learner.reset-sandbox", detail: { learnerId } });
  await giveFreshSandbox(lab, learnerId, { kind: "instructor", name: instructor.displayName });
  lab.roomFeed.noteLearnerChanged(learnerId);
}
