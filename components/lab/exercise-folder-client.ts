/**
 * Asks the lab to move the learner's shell into the open exercise's folder (it does so only when the shell is idle at
 * a prompt, typing `cd` where the learner sees it). Best effort: a failure leaves the shell where it was.
 */
export function enterExerciseFolder(exercise: { chapterId: string } | { drillId: string }): void {
  void fetch("/api/sandbox/exercise-folder", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(exercise),
  }).catch(() => undefined);
}
