import { eventStreamResponse } from "@/server/events/event-stream";
import { withLearner } from "@/server/http/route-guards";

export const dynamic = "force-dynamic";

/** Server-sent events for the signed-in learner only: check verdicts and messages, without a page reload. */
export const GET = withLearner(async ({ lab, learner, request }) => eventStreamResponse(request, (send) => lab.events.subscribe(learner.id, send)));
