import { jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { editableFiles } from "@/server/drills/drill-runner";
import { drillFromParams, latestAttemptOf } from "@/server/drills/learner-drill";
import { listExerciseFiles } from "@/server/workspace/exercise-workspace";
import { exerciseFolderFor } from "@/server/workspace/learner-exercise";
import { listingKey, sharedListing } from "@/server/workspace/shared-listing";

/** The drill project's files as the sandbox holds them now: what the editor polls to notice terminal edits. */
export async function GET(request: Request, { params }: { params: Promise<{ drillId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const drill = await drillFromParams(await params);
    const { variant } = await latestAttemptOf(learner.id, drill);
    const folder = await exerciseFolderFor(learner.id, drill.workdir);
    const files = await sharedListing(listingKey(folder.sandboxId, `drill:${drill.id}`), () => listExerciseFiles(folder, editableFiles(variant)));
    return Response.json({ files }, { headers: { "cache-control": "no-store" } });
  });
}
