import "server-only";
import type { StepVerdictView } from "@/lib/learner-events";
import { getChapter } from "../content/course";
import { db } from "../db/client";
import { recordStepVerdict } from "../progress/step-progress";
import type { SandboxDriver } from "../sandbox/driver";
import type { CheckTrigger, StepRef } from "./check-scheduler";
import { runStepChecks } from "./check-runner";
import { sandboxExec } from "./sandbox-exec";

/** Runs one step's checks in the learner's own sandbox, and records the run and the progress it makes. */
export async function checkLearnerStep(
  deps: { driver: SandboxDriver; sandboxOf(learnerId: string): Promise<string> },
  learnerId: string,
  ref: StepRef,
  trigger: CheckTrigger,
): Promise<StepVerdictView> {
  const chapter = await getChapter(ref.chapterId);
  const step = chapter?.steps.find((s) => s.id === ref.stepId);
  if (!chapter || !step) return { passed: false, checks: [] };
  const sandboxId = await deps.sandboxOf(learnerId);
  const verdict = await runStepChecks(sandboxExec(deps.driver, sandboxId), chapter, step);
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
  await recordStepVerdict(learnerId, chapter.id, step.id, { passed: verdict.passed, summary: verdict.summary });
  return {
    passed: verdict.passed,
    checks: verdict.checks.map(({ id, title, status, message }) => ({ id, title, status, message })),
  };
}
