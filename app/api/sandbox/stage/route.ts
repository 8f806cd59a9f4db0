import { parseJsonBody } from "@/lib/validations/parse-body";
import { HttpError, jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { exerciseRefSchema } from "@/server/sandbox/sandbox-controls";
import { clearStage, stageOf } from "@/server/workspace/clean-stage";

function refFromQuery(request: Request) {
  const query = new URL(request.url).searchParams;
  const parsed = exerciseRefSchema.safeParse(query.has("chapterId") ? { chapterId: query.get("chapterId") } : { drillId: query.get("drillId") });
  if (!parsed.success) throw new HttpError(400, "Say which chapter or drill is open: ?chapterId= or ?drillId=.");
  return parsed.data;
}

/** What other exercises left running in the way of the open one (`?chapterId=` or `?drillId=`). */
export async function GET(request: Request) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const inTheWay = await stageOf(learner.id, refFromQuery(request));
    return Response.json({ inTheWay }, { headers: { "cache-control": "no-store" } });
  });
}

/** Stops what is in the way of the exercise the body names (`{chapterId}` or `{drillId}`), as it stands now. */
export async function POST(request: Request) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const body = await parseJsonBody(request, exerciseRefSchema);
    if (!body.ok) throw new HttpError(400, "Say which chapter or drill to clear: { chapterId } or { drillId }.");
    return Response.json(await clearStage(learner.id, body.data));
  });
}
