import "server-only";
import type { StepVerdictView } from "@/lib/learner-events";
import { getChapter } from "../content/course";
import { db } from "../db/client";
import type { StepProgressLog } from "../progress/step-progress";
import type { CheckTrigger, StepRef } from "./check-scheduler";
import { runStepChecks } from "./check-runner";
import type { SandboxExec } from "./sandbox-exec";

/**
 * Runs one step's checks in the learner's own sandbox, and records the run and the progress it makes.
 * A learner at a prompt has a running sandbox: the checks go straight to it. Only when it does not
 * answer (none yet, stopped, Docker down) is it acquired, which starts what is missing, and the checks
 * run again: making sure of Docker first on every run would add a round trip to every verdict.
 */
export async function checkLearnerStep(
  deps: {
    /** The way into a sandbox for its checks (CheckChannels.for: the sandbox's check channel and its engine's socket). */
    exec(sandboxId: string): SandboxExec;
    /** The learner's sandbox if they have one, started or not. */
    sandboxOf(learnerId: string): Promise<string | undefined>;
    /** The learner's sandbox, running with Docker answering. */
    acquire(learnerId: string): Promise<string>;
    /** Where the verdict's progress is recorded. */
    progress: Pick<StepProgressLog, "recordStepVerdict">;
  },
  learnerId: string,
  ref: StepRef,
  trigger: CheckTrigger,
): Promise<StepVerdictView> {
  const chapter = await getChapter(ref.chapterId);
  const step = chapter?.steps.find((s) => s.id === ref.stepId);
  if (!chapter || !step) return { passed: false, checks: [] };
  const known = await deps.sandboxOf(learnerId);
  let verdict = known ? await runStepChecks(deps.exec(known), chapter, step) : null;
  if (!verdict || verdict.sandbox !== "ok") verdict = await runStepChecks(deps.exec(await deps.acquire(learnerId)), chapter, step);
  await db().checkRun.create({
    data: {
      learnerId,
      chapterId: chapter.id,
      stepId: step.id,
      passed: verdict.passed,
      results: JSON.stringify(verdict.checks),
      trigger,
      durationMs: verdict.durationMs,
    },
  });
  await deps.progress.recordStepVerdict(learnerId, chapter.id, step.id, { passed: verdict.passed, summary: verdict.summary });
  return {
    passed: verdict.passed,
    checks: verdict.checks.map(({ id, title, status, message }) => ({ id, title, status, message })),
  };
}
