import { exerciseRefSchema } from "@/lib/sandbox-api";
import { NO_STORE, readBody, withLearner } from "@/server/http/route-guards";
import { exerciseRefFromQuery } from "@/server/sandbox/sandbox-controls";
import { clearStage, stageOf } from "@/server/workspace/clean-stage";

/** What other exercises left running in the way of the open one (`?chapterId=` or `?drillId=`). */
export const GET = withLearner(async ({ lab, learner, request }) =>
  Response.json({ inTheWay: await stageOf(lab, learner.id, exerciseRefFromQuery(request)) }, { headers: NO_STORE }),
);

/** Stops what is in the way of the exercise the body names (`{chapterId}` or `{drillId}`), as it stands now. */
export const POST = withLearner(async ({ lab, learner, request }) =>
  Response.json(await clearStage(lab, learner.id, await readBody(request, exerciseRefSchema, "Say which chapter or drill to clear: { chapterId } or { drillId }."))),
);
