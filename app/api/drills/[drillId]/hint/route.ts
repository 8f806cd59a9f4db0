import { openDrillHint } from "@/server/drills/open-drill-hint";
import { withDrillAttempt } from "@/server/http/route-guards";

/** Opens the next hint of a running attempt; each one adds the drill's hint cost to the time the score is judged on. */
export const POST = withDrillAttempt(async ({ drill, attempt, variant }) => Response.json(await openDrillHint(drill, attempt, variant)));
