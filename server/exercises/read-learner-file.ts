import "server-only";
import type { LabRuntime } from "../runtime";
import { filePathFromParams, fileResponse } from "../workspace/exercise-file-route";
import { exerciseFolderFor } from "../workspace/learner-exercise";

/** One file of an exercise's folder (`params.path`) in the learner's sandbox: its text and the hash a later save must name. */
export async function readLearnerFile(lab: Pick<LabRuntime, "driver" | "sandboxes">, learnerId: string, workdir: string, params: unknown): Promise<Response> {
  return fileResponse(await exerciseFolderFor(lab, learnerId, workdir), filePathFromParams(params));
}
