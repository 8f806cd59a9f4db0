import { requireLearner, jsonRoute } from "@/server/auth/request-guard";
import { findStep } from "@/server/content/step-lookup";
import { getRuntime } from "@/server/runtime";
import { assertChapterOpen } from "@/server/workshop/chapter-access";

/** The page tells the server which step the learner is on, so prompts and saves re-check that step. */
export async function POST(request: Request, { params }: { params: Promise<{ chapterId: string; stepId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const { chapterId, stepId } = await params;
    const { chapter, step } = await findStep(chapterId, stepId);
    await assertChapterOpen(learner.id, chapterId);
    getRuntime().checks.focus(learner.id, { chapterId: chapter.id, stepId: step.id });
    return new Response(null, { status: 204 });
  });
}
