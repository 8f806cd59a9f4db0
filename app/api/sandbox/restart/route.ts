import { withLearner } from "@/server/http/route-guards";
import { restartLearnerSandbox } from "@/server/sandbox/restart-learner-sandbox";
import { limitSandboxControl } from "@/server/sandbox/sandbox-controls";

/** "Restart my sandbox": the learner's own sandbox, restarted with its disk. Answers once Docker answers again. */
export const POST = withLearner(async ({ lab, learner }) => {
  limitSandboxControl(lab, learner.id);
  await restartLearnerSandbox(lab, learner.id);
  return Response.json({ restarted: true });
});
