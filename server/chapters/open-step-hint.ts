import "server-only";
import type { Chapter, Step } from "@/lib/content/chapter";
import { stepStatesForChapter } from "../progress/step-progress";
import type { LabRuntime } from "../runtime";

/** Opens the step's next hint (one at a time), records it with the learner's progress; the hints opened so far. */
export async function openStepHint(lab: Pick<LabRuntime, "progress">, learnerId: string, chapter: Chapter, step: Step): Promise<string[]> {
  const state = (await stepStatesForChapter(learnerId, chapter.id)).find((s) => s.stepId === step.id);
  const opened = Math.min(step.hints.length, (state?.hintsOpened ?? 0) + 1);
  await lab.progress.recordHintOpened(learnerId, chapter.id, step.id, opened);
  return step.hints.slice(0, opened);
}
