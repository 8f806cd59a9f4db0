import { attemptRefSchema } from "@/lib/drills/drill-api";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { HttpError, jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { giveUpDrillAttempt } from "@/server/db/drill-attempts";
import { attemptOf, attemptView, drillFromParams } from "@/server/drills/learner-drill";

/** Ends a running attempt with no score; the answer carries the reference fix and why it works. */
export async function POST(request: Request, { params }: { params: Promise<{ drillId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const drill = await drillFromParams(await params);
    const body = await parseJsonBody(request, attemptRefSchema);
    if (!body.ok) throw new HttpError(400, body.error);
    const { attempt, variant } = await attemptOf(learner.id, drill, body.data.attemptId);
    return Response.json(attemptView(drill, await giveUpDrillAttempt(attempt.id), variant));
  });
}
