import { requireLearner, jsonRoute, HttpError } from "@/server/auth/request-guard";
import { findStep } from "@/server/content/step-lookup";
import { getRuntime } from "@/server/runtime";
import { assertChapterOpen } from "@/server/workshop/chapter-access";

/** "Check now": runs the step's checks in the learner's sandbox and answers with the verdict. */
export async function POST(request: Request, { params }: { params: Promise<{ chapterId: string; stepId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const { chapterId, stepId } = await params;
    const { chapter, step } = await findStep(chapterId, stepId);
    await assertChapterOpen(learner.id, chapterId);
    const checks = getRuntime().checks;
    checks.focus(learner.id, { chapterId: chapter.id, stepId: step.id });
    const verdict = await checks.request(learner.id, "button");
    if (!verdict) throw new HttpError(503, "The checks could not run; your sandbox may be restarting. Try again in a moment.");
    return Response.json(verdict);
  });
}
