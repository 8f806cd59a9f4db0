import "server-only";
import { roomIdsSchema } from "@/lib/validations/room";
import { requireWorkshopOwner, type InstructorIdentity, type Workshop } from "../auth/instructor-guard";
import { HttpError } from "../auth/request-guard";
import { isMember } from "../db/workshops";

/**
 * For instructor actions on one learner: the signed-in owner of the workshop, and the learner must be in that workshop. A learner of another room answers 404 like a missing one.
 */
export async function requireRoomLearner(
  request: Request,
  params: { id: string; learnerId: string },
): Promise<{ instructor: InstructorIdentity; workshop: Workshop; learnerId: string }> {
  const ids = roomIdsSchema.safeParse({ workshopId: params.id, learnerId: params.learnerId });
  if (!ids.success) throw new HttpError(404, "No such learner in this workshop.");
  const { instructor, workshop } = await requireWorkshopOwner(ids.data.workshopId, request);
  if (!(await isMember(workshop.id, ids.data.learnerId))) throw new HttpError(404, "No such learner in this workshop.");
  return { instructor, workshop, learnerId: ids.data.learnerId };
}
