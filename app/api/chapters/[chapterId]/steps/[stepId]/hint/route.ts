import { requireLearner, jsonRoute } from "@/server/auth/request-guard";
import { findStep } from "@/server/content/step-lookup";
import { recordHintOpened, stepStatesForChapter } from "@/server/progress/step-progress";
import { assertChapterOpen } from "@/server/workshop/chapter-access";

/** Opens the next hint (one at a time) and records it with the learner's progress. */
export async function POST(request: Request, { params }: { params: Promise<{ chapterId: string; stepId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const { chapterId, stepId } = await params;
    const { chapter, step } = await findStep(chapterId, stepId);
    await assertChapterOpen(learner.id, chapterId);
    const state = (await stepStatesForChapter(learner.id, chapter.id)).find((s) => s.stepId === step.id);
    const opened = Math.min(step.hints.length, (state?.hintsOpened ?? 0) + 1);
    await recordHintOpened(learner.id, chapter.id, step.id, opened);
    return Response.json({ hints: step.hints.slice(0, opened) });
  });
}
