import { withLearnerStep } from "@/server/http/route-guards";

/** The page tells the server which step the learner is on, so prompts and saves re-check that step. */
export const POST = withLearnerStep(async ({ lab, learner, chapter, step }) => {
  lab.checks.focus(learner.id, { chapterId: chapter.id, stepId: step.id });
  return new Response(null, { status: 204 });
});
