import { z } from "zod";
import { MAX_FILE_BYTES, saveFileBodySchema } from "@/lib/workspace/workspace-api";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { HttpError, jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { drillFromParams } from "@/server/drills/learner-drill";
import { getRuntime } from "@/server/runtime";
import { FileChangedError, readExerciseFile, writeExerciseFile } from "@/server/workspace/exercise-workspace";
import { exerciseFolderFor } from "@/server/workspace/learner-exercise";
import { forgetListings } from "@/server/workspace/shared-listing";

type Params = { params: Promise<{ drillId: string; path: string[] }> };

const pathParams = z.object({ path: z.array(z.string()).min(1) });

// As for chapter files: JSON may spell a character in 6 bytes, so the body may exceed the file's size.
const MAX_BODY_BYTES = 6 * MAX_FILE_BYTES + 1024;

function filePath(params: unknown): string {
  const parsed = pathParams.safeParse(params);
  if (!parsed.success) throw new HttpError(400, "Name a file after /files/.");
  return parsed.data.path.join("/");
}

/** One project file's text and the hash a later save must name. */
export async function GET(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const raw = await params;
    const drill = await drillFromParams(raw);
    const folder = await exerciseFolderFor(learner.id, drill.workdir);
    return Response.json(await readExerciseFile(folder, filePath(raw)), { headers: { "cache-control": "no-store" } });
  });
}

/** Saves the editor's text into the drill's folder; 409 when the sandbox holds another version. Checks run on the button only: each one builds. */
export async function PUT(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const raw = await params;
    const drill = await drillFromParams(raw);
    const path = filePath(raw);
    const length = Number(request.headers.get("content-length") ?? NaN);
    if (!Number.isFinite(length)) throw new HttpError(411, "Send the file with a Content-Length header.");
    if (length > MAX_BODY_BYTES) throw new HttpError(413, `The file is larger than ${MAX_FILE_BYTES / 1024} KB; the editor saves files up to that size.`);
    const body = await parseJsonBody(request, saveFileBodySchema);
    if (!body.ok) throw new HttpError(400, body.error);
    const folder = await exerciseFolderFor(learner.id, drill.workdir);
    try {
      const saved = await writeExerciseFile(folder, path, body.data.content, body.data.baseHash);
      forgetListings(folder.sandboxId);
      getRuntime().sandboxes.touch(learner.id);
      return Response.json(saved);
    } catch (error) {
      if (error instanceof FileChangedError) return Response.json({ error: error.message, currentHash: error.currentHash }, { status: 409 });
      throw error;
    }
  });
}
