import "server-only";
import type { Chapter, Step } from "@/lib/content/chapter";
import { recordSolutionRevealed } from "../progress/step-progress";

/** Reveals the step's solution and records that it was revealed. */
export async function revealStepSolution(learnerId: string, chapter: Chapter, step: Step): Promise<string> {
  await recordSolutionRevealed(learnerId, chapter.id, step.id);
  return step.solutionMarkdown;
}
