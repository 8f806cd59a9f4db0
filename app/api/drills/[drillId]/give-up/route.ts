import { jsonRoute } from "@/server/auth/request-guard";
import { giveUpDrillAttempt } from "@/server/db/drill-attempts";
import { attemptFromRequest, attemptView } from "@/server/drills/learner-drill";

/** Ends a running attempt with no score; the answer carries the reference fix and why it works. */
export async function POST(request: Request, { params }: { params: Promise<{ drillId: string }> }) {
  return jsonRoute(async () => {
    const { drill, attempt, variant } = await attemptFromRequest(request, params);
    return Response.json(attemptView(drill, await giveUpDrillAttempt(attempt.id), variant));
  });
}
