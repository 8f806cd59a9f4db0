import "server-only";
import type { Chapter, Step } from "@/lib/content/chapter";
import type { CheckScheduler } from "../checks/check-scheduler";
import { HttpError } from "../http/http-error";

/** "Check now": the step becomes the learner's focus and its checks run in their sandbox; resolves to the verdict. */
export async function checkStep(checks: CheckScheduler, learnerId: string, chapter: Chapter, step: Step) {
  checks.focus(learnerId, { chapterId: chapter.id, stepId: step.id });
  const verdict = await checks.request(learnerId, "button");
  if (!verdict) throw new HttpError(503, "The checks could not run; your sandbox may be restarting. Try again in a moment.");
  return verdict;
}
