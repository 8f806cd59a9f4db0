import { learnerMessageSchema } from "@/lib/validations/room";
import { readBody, withRoomLearner } from "@/server/http/route-guards";
import { sendLearnerMessage } from "@/server/instructor/send-learner-message";

/** A message to one learner of the room: it appears on that learner's page only. */
export const POST = withRoomLearner(async ({ lab, instructor, workshop, learnerId, request }) => {
  await sendLearnerMessage(lab, instructor, workshop, learnerId, (await readBody(request, learnerMessageSchema)).text);
  return Response.json({ sent: true });
});
