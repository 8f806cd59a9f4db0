import "server-only";
import type { LabRuntime } from "../runtime";
import { listExerciseFiles } from "../workspace/exercise-workspace";
import { exerciseFolderFor } from "../workspace/learner-exercise";
import { listingKey } from "../workspace/shared-listing";

/**
 * An exercise's files as the learner's sandbox holds them now (hash, size, mtime): what the editor polls to notice
 * terminal edits. `exercise` names the listing (a chapter id, or `drill:<id>`), shared by the learner's open tabs.
 */
export async function listLearnerFiles(lab: Pick<LabRuntime, "driver" | "sandboxes" | "listings">, learnerId: string, exercise: { key: string; workdir: string; paths: string[] }) {
  const folder = await exerciseFolderFor(lab, learnerId, exercise.workdir);
  return lab.listings.get(listingKey(folder.sandboxId, exercise.key), () => listExerciseFiles(folder, exercise.paths));
}
