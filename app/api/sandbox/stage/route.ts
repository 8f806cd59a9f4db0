import { HttpError } from "@/server/http/http-error";
import { NO_STORE, readBody, withLearner } from "@/server/http/route-guards";
import { exerciseRefSchema } from "@/server/sandbox/sandbox-controls";
import { clearStage, stageOf } from "@/server/workspace/clean-stage";

/** What other exercises left running in the way of the open one (`?chapterId=` or `?drillId=`). */
export const GET = withLearner(async ({ learner, request }) => {
  const query = new URL(request.url).searchParams;
  const ref = exerciseRefSchema.safeParse(query.has("chapterId") ? { chapterId: query.get("chapterId") } : { drillId: query.get("drillId") });
  if (!ref.success) throw new HttpError(400, "Say which chapter or drill is open: ?chapterId= or ?drillId=.");
  return Response.json({ inTheWay: await stageOf(learner.id, ref.data) }, { headers: NO_STORE });
});

/** Stops what is in the way of the exercise the body names (`{chapterId}` or `{drillId}`), as it stands now. */
export const POST = withLearner(async ({ learner, request }) =>
  Response.json(await clearStage(learner.id, await readBody(request, exerciseRefSchema, "Say which chapter or drill to clear: { chapterId } or { drillId }."))),
);
