import "server-only";
import type { Drill, DrillVariant } from "@/lib/content/drill";
import type { AttemptView } from "@/lib/drills/drill-api";
import { giveUpDrillAttempt as recordGiveUp, type DrillAttempt } from "../db/drill-attempts";
import { attemptView } from "./learner-drill";

/** Ends a running attempt with no score; the view carries the reference fix and why it works. */
export async function giveUpDrillAttempt(drill: Drill, attempt: DrillAttempt, variant: DrillVariant): Promise<AttemptView> {
  return attemptView(drill, await recordGiveUp(attempt.id), variant);
}
