import { getJson, notify } from "@/components/api-client";
import { shellInFrontSchema, type ExerciseRef } from "@/lib/sandbox-api";

/**
 * Asks the lab to move the learner's shell into the open exercise's folder (it does so only when the shell is idle at
 * a prompt, typing `cd` where the learner sees it). Best effort: a failure leaves the shell where it was.
 */
export function enterExerciseFolder(exercise: ExerciseRef): void {
  notify("/api/sandbox/exercise-folder", exercise);
}

/**
 * Whether ▶ Run types into the learner's own shell (true) or into a program running in it, such as a container's
 * shell a step opened. When the lab cannot tell, the shell is assumed: the exercise's folder is the safer default.
 */
export async function shellInFront(): Promise<boolean> {
  const answer = await getJson("/api/sandbox/exercise-folder", shellInFrontSchema).catch(() => null);
  return answer?.shell !== false;
}
