import { openStepHint } from "@/server/chapters/open-step-hint";
import { withLearnerStep } from "@/server/http/route-guards";

/** Opens the next hint (one at a time) and records it with the learner's progress. */
export const POST = withLearnerStep(async ({ lab, learner, chapter, step }) => Response.json({ hints: await openStepHint(lab, learner.id, chapter, step) }));
