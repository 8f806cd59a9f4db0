import { requireLearner, jsonRoute } from "@/server/auth/request-guard";
import { findStep } from "@/server/content/step-lookup";
import { recordSolutionRevealed } from "@/server/progress/step-progress";
import { assertChapterOpen } from "@/server/workshop/chapter-access";

/** Reveals the step's solution and records that it was revealed. */
export async function POST(request: Request, { params }: { params: Promise<{ chapterId: string; stepId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const { chapterId, stepId } = await params;
    const { chapter, step } = await findStep(chapterId, stepId);
    await assertChapterOpen(learner.id, chapterId);
    await recordSolutionRevealed(learner.id, chapter.id, step.id);
    return Response.json({ solutionMarkdown: step.solutionMarkdown });
  });
}
