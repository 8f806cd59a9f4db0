import { z } from "zod";
import { MAX_FILE_BYTES, saveFileBodySchema } from "@/lib/workspace/workspace-api";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { HttpError, jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { getRuntime } from "@/server/runtime";
import { FileChangedError, readExerciseFile, writeExerciseFile } from "@/server/workspace/exercise-workspace";
import { chapterFromParams, exerciseFolderFor } from "@/server/workspace/learner-exercise";
import { forgetListings } from "@/server/workspace/shared-listing";
import { assertChapterOpen } from "@/server/workshop/chapter-access";

type Params = { params: Promise<{ chapterId: string; path: string[] }> };

const pathParams = z.object({ path: z.array(z.string()).min(1) });

// JSON may spell a character as \uXXXX (6 bytes), so the body of a 1 MB file can be larger than 1 MB;
// beyond this it is certainly too large and is refused before it is read.
const MAX_BODY_BYTES = 6 * MAX_FILE_BYTES + 1024;

function filePath(params: unknown): string {
  const parsed = pathParams.safeParse(params);
  if (!parsed.success) throw new HttpError(400, "Name a file after /files/.");
  return parsed.data.path.join("/");
}

/** One exercise file's text and the hash a later save must name. */
export async function GET(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const raw = await params;
    const chapter = await chapterFromParams(raw);
    await assertChapterOpen(learner.id, chapter.id);
    const folder = await exerciseFolderFor(learner.id, chapter.workdir);
    const file = await readExerciseFile(folder, filePath(raw));
    return Response.json(file, { headers: { "cache-control": "no-store" } });
  });
}

/** Saves the editor's text into the sandbox; 409 when the file there is no longer the version the edits started from. */
export async function PUT(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const raw = await params;
    const chapter = await chapterFromParams(raw);
    await assertChapterOpen(learner.id, chapter.id);
    const path = filePath(raw);
    const length = Number(request.headers.get("content-length") ?? NaN);
    if (!Number.isFinite(length)) throw new HttpError(411, "Send the file with a Content-Length header.");
    if (length > MAX_BODY_BYTES) throw new HttpError(413, `The file is larger than ${MAX_FILE_BYTES / 1024} KB; the editor saves files up to that size.`);
    const body = await parseJsonBody(request, saveFileBodySchema);
    if (!body.ok) throw new HttpError(400, body.error);
    const folder = await exerciseFolderFor(learner.id, chapter.workdir);
    try {
      const saved = await writeExerciseFile(folder, path, body.data.content, body.data.baseHash);
      forgetListings(folder.sandboxId);
      const { sandboxes, checks } = getRuntime();
      sandboxes.touch(learner.id);
      // A save is one of the moments the focused step's checks re-run (DESIGN.md, "Step checking").
      void checks.request(learner.id, "save");
      return Response.json(saved);
    } catch (error) {
      if (error instanceof FileChangedError) return Response.json({ error: error.message, currentHash: error.currentHash }, { status: 409 });
      throw error;
    }
  });
}
