import { jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { drillFromParams } from "@/server/drills/learner-drill";
import { getRuntime } from "@/server/runtime";
import { filePathFromParams, fileResponse, saveFileBody, saveFileResponse } from "@/server/workspace/exercise-file-route";
import { exerciseFolderFor } from "@/server/workspace/learner-exercise";

type Params = { params: Promise<{ drillId: string; path: string[] }> };

/** One project file's text and the hash a later save must name. */
export async function GET(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const raw = await params;
    const drill = await drillFromParams(raw);
    return fileResponse(await exerciseFolderFor(learner.id, drill.workdir), filePathFromParams(raw));
  });
}

/** Saves the editor's text into the drill's folder; 409 when the sandbox holds another version. Checks run on the button only: each one builds. */
export async function PUT(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const raw = await params;
    const drill = await drillFromParams(raw);
    const path = filePathFromParams(raw);
    const body = await saveFileBody(request);
    const response = await saveFileResponse(await exerciseFolderFor(learner.id, drill.workdir), path, body);
    if (response.ok) getRuntime().sandboxes.touch(learner.id);
    return response;
  });
}
