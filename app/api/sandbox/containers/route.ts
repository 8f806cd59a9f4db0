import { NO_STORE, withLearner } from "@/server/http/route-guards";
import { listLearnerContainers } from "@/server/sandbox/list-learner-containers";

/** The containers running in the learner's own sandbox: what ▶ Run offers for a placeholder such as `ID`. */
export const GET = withLearner(async ({ lab, learner }) => Response.json({ containers: await listLearnerContainers(lab, learner.id) }, { headers: NO_STORE }));
