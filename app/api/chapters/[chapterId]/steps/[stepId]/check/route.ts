import { checkStep } from "@/server/chapters/check-step";
import { withLearnerStep } from "@/server/http/route-guards";

/** "Check now": runs the step's checks in the learner's sandbox and answers with the verdict. */
export const POST = withLearnerStep(async ({ lab, learner, chapter, step }) => Response.json(await checkStep(lab.checks, learner.id, chapter, step)));
