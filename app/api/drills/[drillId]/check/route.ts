import { checkDrillFix } from "@/server/drills/check-drill-fix";
import { withDrillAttempt } from "@/server/http/route-guards";

/** "Check my fix": builds and runs the learner's project as it is now; a first pass stops the clock and scores. */
export const POST = withDrillAttempt(async ({ lab, learner, drill, attempt, variant }) => Response.json(await checkDrillFix(lab, learner.id, drill, attempt, variant)));
