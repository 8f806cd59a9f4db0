import "server-only";
import type { Drill, DrillVariant } from "@/lib/content/drill";
import type { AttemptView } from "@/lib/drills/drill-api";
import { recordDrillHint, type DrillAttempt } from "../db/drill-attempts";
import { attemptView } from "./learner-drill";

/** Opens the next hint of a running attempt; each one adds the drill's hint cost to the time the score is judged on. */
export async function openDrillHint(drill: Drill, attempt: DrillAttempt, variant: DrillVariant): Promise<AttemptView> {
  return attemptView(drill, await recordDrillHint(attempt.id, variant.hints.length), variant);
}
