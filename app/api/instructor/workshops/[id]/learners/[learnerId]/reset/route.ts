import { withRoomLearner } from "@/server/http/route-guards";
import { resetLearnerSandbox } from "@/server/workshop/reset-learner-sandbox";

/** Throws the learner's sandbox away and gives them a fresh one (progress stays); answers once the new one is ready. */
export const POST = withRoomLearner(async ({ lab, instructor, workshop, learnerId }) => {
  await resetLearnerSandbox(lab, instructor, workshop.id, learnerId);
  return Response.json({ reset: true });
});
