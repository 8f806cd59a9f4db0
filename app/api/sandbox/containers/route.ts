import { jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { listLearnerContainers } from "@/server/sandbox/list-learner-containers";

/** The containers running in the learner's own sandbox: what ▶ Run offers for a placeholder such as `ID`. */
export async function GET(request: Request) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const containers = await listLearnerContainers(learner.id);
    return Response.json({ containers }, { headers: { "cache-control": "no-store" } });
  });
}
