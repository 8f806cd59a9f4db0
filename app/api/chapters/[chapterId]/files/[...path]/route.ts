import { jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { getRuntime } from "@/server/runtime";
import { filePathFromParams, fileResponse, saveFileBody, saveFileResponse } from "@/server/workspace/exercise-file-route";
import { chapterFromParams, exerciseFolderFor } from "@/server/workspace/learner-exercise";
import { assertChapterOpen } from "@/server/workshop/chapter-access";

type Params = { params: Promise<{ chapterId: string; path: string[] }> };

/** One exercise file's text and the hash a later save must name. */
export async function GET(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const raw = await params;
    const chapter = await chapterFromParams(raw);
    await assertChapterOpen(learner.id, chapter.id);
    return fileResponse(await exerciseFolderFor(learner.id, chapter.workdir), filePathFromParams(raw));
  });
}

/** Saves the editor's text into the sandbox; 409 when the file there is no longer the version the edits started from. */
export async function PUT(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const raw = await params;
    const chapter = await chapterFromParams(raw);
    await assertChapterOpen(learner.id, chapter.id);
    const path = filePathFromParams(raw);
    const body = await saveFileBody(request);
    const response = await saveFileResponse(await exerciseFolderFor(learner.id, chapter.workdir), path, body);
    if (response.ok) {
      const { sandboxes, checks } = getRuntime();
      sandboxes.touch(learner.id);
      // A save is one of the moments the focused step's checks re-run (DESIGN.md, "Step checking").
      void checks.request(learner.id, "save");
    }
    return response;
  });
}
