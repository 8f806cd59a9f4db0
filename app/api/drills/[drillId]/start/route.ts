import { jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { placeExerciseFiles } from "@/server/workspace/exercise-workspace";
import { drillFromParams, latestAttemptOf } from "@/server/drills/learner-drill";
import { getRuntime } from "@/server/runtime";

/**
 * The editor's start for a drill: the sandbox is up (starting the attempt started it) and the project's
 * files are put back only where missing. Answers one NDJSON line, as the chapter start does at its end.
 */
export async function POST(request: Request, { params }: { params: Promise<{ drillId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const drill = await drillFromParams(await params);
    const { variant } = await latestAttemptOf(learner.id, drill);
    const { driver, sandboxes } = getRuntime();
    const sandbox = await sandboxes.acquire(learner.id);
    const result = await placeExerciseFiles({ driver, sandboxId: sandbox.sandboxId, workdir: drill.workdir }, variant.files);
    return new Response(JSON.stringify({ ready: true, ...result }) + "\n", { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" } });
  });
}
