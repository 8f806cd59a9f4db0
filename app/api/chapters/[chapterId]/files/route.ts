import { jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { listExerciseFiles } from "@/server/workspace/exercise-workspace";
import { chapterFromParams, exerciseFolderFor } from "@/server/workspace/learner-exercise";
import { listingKey, sharedListing } from "@/server/workspace/shared-listing";
import { assertChapterOpen } from "@/server/workshop/chapter-access";

/** The exercise files as the sandbox holds them now (hash, size, mtime): what the editor polls to notice terminal edits. */
export async function GET(request: Request, { params }: { params: Promise<{ chapterId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const chapter = await chapterFromParams(await params);
    await assertChapterOpen(learner.id, chapter.id);
    const folder = await exerciseFolderFor(learner.id, chapter.workdir);
    const paths = chapter.files.map((f) => f.path);
    const files = await sharedListing(listingKey(folder.sandboxId, chapter.id), () => listExerciseFiles(folder, paths));
    return Response.json({ files }, { headers: { "cache-control": "no-store" } });
  });
}
