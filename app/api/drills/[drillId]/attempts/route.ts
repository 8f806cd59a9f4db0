import { startDrillBodySchema } from "@/lib/drills/drill-api";
import { clientAddress } from "@/server/auth/rate-limit";
import { startDrillAttempt } from "@/server/drills/start-drill-attempt";
import { readBody, withLearnerDrill } from "@/server/http/route-guards";

/** Starts a new attempt: a fresh variant of the broken project in the learner's sandbox, and the clock. */
export const POST = withLearnerDrill(async ({ lab, learner, drill, request }) => {
  await readBody(request, startDrillBodySchema);
  return Response.json(await startDrillAttempt(lab, learner.id, drill, { address: clientAddress(request), signal: request.signal }));
});
