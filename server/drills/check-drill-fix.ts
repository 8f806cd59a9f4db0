import "server-only";
import type { Drill, DrillVariant } from "@/lib/content/drill";
import { drillScore } from "@/lib/drills/score";
import { recordDrillCheck, type DrillAttempt } from "../db/drill-attempts";
import { HttpError } from "../http/http-error";
import type { LabRuntime } from "../runtime";
import { announceDrillScore } from "./drill-leaderboard";
import { judgeDrill } from "./drill-runner";
import { attemptView } from "./learner-drill";

/**
 * "Check my fix": builds and runs the learner's project as it is now; a first pass stops the clock and scores.
 * One check per learner at a time (`lab.drillChecks`): each builds and runs containers, and two at once would race on the tag.
 */
export async function checkDrillFix(
  lab: Pick<LabRuntime, "checkChannels" | "sandboxes" | "drillChecks" | "events">,
  learnerId: string,
  drill: Drill,
  attempt: DrillAttempt,
  variant: DrillVariant,
) {
  if (lab.drillChecks.has(learnerId)) throw new HttpError(409, "A check of your fix is already running; its result is on the way.");
  lab.drillChecks.add(learnerId);
  try {
    const sandbox = await lab.sandboxes.acquire(learnerId);
    const verdict = await judgeDrill(lab.checkChannels.for(sandbox.sandboxId), drill, variant);
    const now = new Date();
    const elapsedMs = now.getTime() - attempt.startedAt.getTime();
    const finish =
      verdict.passed && !attempt.finishedAt
        ? { at: now, timeMs: elapsedMs, score: drillScore({ elapsedMs, hintsOpened: attempt.hintsOpened, hintCostSeconds: drill.hintCostSeconds, parMinutes: drill.parMinutes }) }
        : null;
    const updated = await recordDrillCheck(attempt.id, finish);
    if (finish) await announceDrillScore(lab.events, updated);
    return {
      attempt: attemptView(drill, updated, variant),
      passed: verdict.passed,
      checks: verdict.checks.map(({ id, title, status, message }) => ({ id, title, status, message })),
    };
  } finally {
    lab.drillChecks.delete(learnerId);
  }
}
