import { jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { restartLearnerSandbox } from "@/server/sandbox/restart-learner-sandbox";
import { limitSandboxControl } from "@/server/sandbox/sandbox-controls";

/** "Restart my sandbox": the learner's own sandbox, restarted with its disk. Answers once Docker answers again. */
export async function POST(request: Request) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    limitSandboxControl(learner.id);
    await restartLearnerSandbox(learner.id);
    return Response.json({ restarted: true });
  });
}
