import { parseJsonBody } from "@/lib/validations/parse-body";
import { HttpError, jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { exerciseRefSchema, limitSandboxControl } from "@/server/sandbox/sandbox-controls";
import { startOver } from "@/server/sandbox/start-over";

/**
 * "Start over": a fresh sandbox holding the starting files of the exercise the body names (`{chapterId}` or
 * `{drillId}`); progress is kept. Answers once the files are in place.
 */
export async function POST(request: Request) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    limitSandboxControl(learner.id);
    const body = await parseJsonBody(request, exerciseRefSchema);
    if (!body.ok) throw new HttpError(400, "Say which chapter or drill to start over: { chapterId } or { drillId }.");
    return Response.json({ fresh: true, ...(await startOver(learner.id, body.data)) });
  });
}
