import { revealStepSolution } from "@/server/chapters/reveal-step-solution";
import { withLearnerStep } from "@/server/http/route-guards";

/** Reveals the step's solution and records that it was revealed. */
export const POST = withLearnerStep(async ({ lab, learner, chapter, step }) => Response.json({ solutionMarkdown: await revealStepSolution(lab, learner.id, chapter, step) }));
