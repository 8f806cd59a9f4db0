import { currentLearner } from "@/server/auth/request-guard";
import { eventStreamResponse } from "@/server/events/event-stream";
import { subscribeLearner } from "@/server/events/learner-event-bus";

export const dynamic = "force-dynamic";

/** Server-sent events for the signed-in learner only: check verdicts and messages, without a page reload. */
export async function GET(request: Request): Promise<Response> {
  const learner = await currentLearner();
  if (!learner) return Response.json({ error: "Start a session first." }, { status: 401 });
  return eventStreamResponse(request, (send) => subscribeLearner(learner.id, send));
}
