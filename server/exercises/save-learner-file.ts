import "server-only";
import type { LabRuntime } from "../runtime";
import { filePathFromParams, saveFileBody, saveFileResponse } from "../workspace/exercise-file-route";
import { exerciseFolderFor } from "../workspace/learner-exercise";
import { savedVersionsOf } from "../workspace/saved-versions";

/**
 * Saves the editor's text (the request's body) as one file of an exercise's folder (`params.path`); 409 when the
 * sandbox holds another version than the edits started from. A save counts as the learner's activity; `recheck`
 * re-runs the focused step's checks (chapters: DESIGN.md, "Step checking"; a drill checks on its button only).
 * The lab keeps the saved text too, for a sandbox later lost with its disk (server/workspace/saved-versions.ts).
 */
export async function saveLearnerFile(
  lab: Pick<LabRuntime, "driver" | "sandboxes" | "checks" | "config" | "listings">,
  learnerId: string,
  exercise: { workdir: string; recheck: boolean },
  request: Request,
  params: unknown,
): Promise<Response> {
  const path = filePathFromParams(params);
  const body = await saveFileBody(request);
  const response = await saveFileResponse(await exerciseFolderFor(lab, learnerId, exercise.workdir), path, body, lab.listings);
  if (response.ok) {
    await savedVersionsOf(lab.config).remember(learnerId, { workdir: exercise.workdir, path, content: body.content });
    lab.sandboxes.touch(learnerId);
    if (exercise.recheck) void lab.checks.request(learnerId, "save");
  }
  return response;
}
