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

/**
 * Whether ▶ Run types into the learner's own shell (true) or into a program running in it, such as a container's
 * shell a step opened. When the lab cannot tell, the shell is assumed: the exercise's folder is the safer default.
 */
export async function shellInFront(): Promise<boolean> {
  const response = await fetch("/api/sandbox/exercise-folder", { cache: "no-store" }).catch(() => null);
  const body = response?.ok ? ((await response.json().catch(() => null)) as { shell?: boolean | null } | null) : null;
  return body?.shell !== false;
}
