import { attemptRefSchema } from "@/lib/drills/drill-api";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { HttpError, jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { recordDrillHint } from "@/server/db/drill-attempts";
import { attemptOf, attemptView, drillFromParams } from "@/server/drills/learner-drill";

/** Opens the next hint of a running attempt; each one adds the drill's hint cost to the time the score is judged on. */
export async function POST(request: Request, { params }: { params: Promise<{ drillId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const drill = await drillFromParams(await params);
    const body = await parseJsonBody(request, attemptRefSchema);
    if (!body.ok) throw new HttpError(400, body.error);
    const { attempt, variant } = await attemptOf(learner.id, drill, body.data.attemptId);
    const updated = await recordDrillHint(attempt.id, variant.hints.length);
    return Response.json(attemptView(drill, updated, variant));
  });
}
