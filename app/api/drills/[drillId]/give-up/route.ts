import { giveUpDrillAttempt } from "@/server/drills/give-up-drill-attempt";
import { withDrillAttempt } from "@/server/http/route-guards";

/** Ends a running attempt with no score; the answer carries the reference fix and why it works. */
export const POST = withDrillAttempt(async ({ drill, attempt, variant }) => Response.json(await giveUpDrillAttempt(drill, attempt, variant)));
