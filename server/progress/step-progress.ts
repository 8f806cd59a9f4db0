import "server-only";
import { db } from "../db/client";

export interface StepState {
  stepId: string;
  passed: boolean;
  hintsOpened: number;
  solutionRevealed: boolean;
  lastVerdict: string | null;
}

export async function stepStatesForChapter(learnerId: string, chapterId: string): Promise<StepState[]> {
  return db().stepProgress.findMany({
    where: { learnerId, chapterId },
    select: { stepId: true, passed: true, hintsOpened: true, solutionRevealed: true, lastVerdict: true },
  });
}

/** Passed-step counts per chapter, for the catalog. */
export async function passedStepsByChapter(learnerId: string): Promise<Map<string, number>> {
  const rows = await db().stepProgress.groupBy({
    by: ["chapterId"],
    where: { learnerId, passed: true },
    _count: { _all: true },
  });
  return new Map(rows.map((row) => [row.chapterId, row._count._all]));
}

/**
 * Every write of a learner's step progress, each told to `onChanged` once stored: server/lab.ts wires that to the
 * instructors' room feed, so every change of progress reaches the room view from here, whichever use case made it.
 */
export class StepProgressLog {
  constructor(private readonly onChanged: (learnerId: string) => void) {}

  async recordStepVerdict(
    learnerId: string,
    chapterId: string,
    stepId: string,
    verdict: { passed: boolean; summary: string },
  ): Promise<void> {
    const now = new Date();
    // A step once passed stays passed: a later experiment in the same sandbox must not take progress away.
    const existing = await db().stepProgress.findUnique({ where: { learnerId_chapterId_stepId: { learnerId, chapterId, stepId } } });
    const passed = verdict.passed || (existing?.passed ?? false);
    await db().stepProgress.upsert({
      where: { learnerId_chapterId_stepId: { learnerId, chapterId, stepId } },
      create: { learnerId, chapterId, stepId, passed, lastVerdict: verdict.summary, updatedAt: now, completedAt: passed ? now : null },
      update: { passed, lastVerdict: verdict.summary, updatedAt: now, completedAt: existing?.completedAt ?? (passed ? now : null) },
    });
    this.onChanged(learnerId);
  }

  async recordHintOpened(learnerId: string, chapterId: string, stepId: string, hintsOpened: number): Promise<void> {
    await db().stepProgress.upsert({
      where: { learnerId_chapterId_stepId: { learnerId, chapterId, stepId } },
      create: { learnerId, chapterId, stepId, hintsOpened },
      update: { hintsOpened: { set: hintsOpened } },
    });
    this.onChanged(learnerId);
  }

  async recordSolutionRevealed(learnerId: string, chapterId: string, stepId: string): Promise<void> {
    await db().stepProgress.upsert({
      where: { learnerId_chapterId_stepId: { learnerId, chapterId, stepId } },
      create: { learnerId, chapterId, stepId, solutionRevealed: true },
      update: { solutionRevealed: true },
    });
    this.onChanged(learnerId);
  }
}
