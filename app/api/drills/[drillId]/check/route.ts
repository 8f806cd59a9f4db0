import { drillScore } from "@/lib/drills/score";
import { HttpError, jsonRoute } from "@/server/auth/request-guard";
import { sandboxExec } from "@/server/checks/sandbox-exec";
import { recordDrillCheck } from "@/server/db/drill-attempts";
import { announceDrillScore } from "@/server/drills/drill-leaderboard";
import { judgeDrill } from "@/server/drills/drill-runner";
import { attemptFromRequest, attemptView } from "@/server/drills/learner-drill";
import { getRuntime } from "@/server/runtime";

// One drill check per learner at a time: each builds and runs containers, and two at once would race on the tag.
const slot = globalThis as unknown as { layerlabDrillChecks?: Set<string> };
const running = (slot.layerlabDrillChecks ??= new Set<string>());

/** "Check my fix": builds and runs the learner's project as it is now; a first pass stops the clock and scores. */
export async function POST(request: Request, { params }: { params: Promise<{ drillId: string }> }) {
  return jsonRoute(async () => {
    const { learner, drill, attempt, variant } = await attemptFromRequest(request, params);
    if (running.has(learner.id)) throw new HttpError(409, "A check of your fix is already running; its result is on the way.");
    running.add(learner.id);
    try {
      const { driver, sandboxes } = getRuntime();
      const sandbox = await sandboxes.acquire(learner.id);
      const verdict = await judgeDrill(sandboxExec(driver, sandbox.sandboxId), drill, variant);
      const now = new Date();
      const elapsedMs = now.getTime() - attempt.startedAt.getTime();
      const finish =
        verdict.passed && !attempt.finishedAt
          ? { at: now, timeMs: elapsedMs, score: drillScore({ elapsedMs, hintsOpened: attempt.hintsOpened, hintCostSeconds: drill.hintCostSeconds, parMinutes: drill.parMinutes }) }
          : null;
      const updated = await recordDrillCheck(attempt.id, finish);
      if (finish) await announceDrillScore(updated);
      return Response.json({
        attempt: attemptView(drill, updated, variant),
        passed: verdict.passed,
        checks: verdict.checks.map(({ id, title, status, message }) => ({ id, title, status, message })),
      });
    } finally {
      running.delete(learner.id);
    }
  });
}
