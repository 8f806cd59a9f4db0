import "server-only";
import type { Chapter, Step } from "@/lib/content/chapter";
import type { LabRuntime } from "../runtime";

/** Reveals the step's solution and records that it was revealed. */
export async function revealStepSolution(lab: Pick<LabRuntime, "progress">, learnerId: string, chapter: Chapter, step: Step): Promise<string> {
  await lab.progress.recordSolutionRevealed(learnerId, chapter.id, step.id);
  return step.solutionMarkdown;
}
