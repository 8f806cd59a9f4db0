import { jsonRoute } from "@/server/auth/request-guard";
import { recordDrillHint } from "@/server/db/drill-attempts";
import { attemptFromRequest, attemptView } from "@/server/drills/learner-drill";

/** Opens the next hint of a running attempt; each one adds the drill's hint cost to the time the score is judged on. */
export async function POST(request: Request, { params }: { params: Promise<{ drillId: string }> }) {
  return jsonRoute(async () => {
    const { drill, attempt, variant } = await attemptFromRequest(request, params);
    const updated = await recordDrillHint(attempt.id, variant.hints.length);
    return Response.json(attemptView(drill, updated, variant));
  });
}
