import "server-only";
import { getChapter } from "../content/course";
import { db } from "../db/client";
import type { SandboxDriver } from "../sandbox/driver";
import { placeExerciseFiles } from "./exercise-workspace";

/**
 * After a learner's sandbox had to be replaced (the old one was beyond repair), puts the starting files of every
 * chapter they worked on (those with recorded progress) back into the new one; a file already there is never
 * overwritten. Returns the chapters whose files were placed.
 */
export async function restoreExerciseFiles(driver: SandboxDriver, learnerId: string, sandboxId: string): Promise<string[]> {
  const rows = await db().stepProgress.findMany({ where: { learnerId }, select: { chapterId: true }, distinct: ["chapterId"] });
  const restored: string[] = [];
  for (const { chapterId } of rows) {
    const chapter = await getChapter(chapterId);
    if (!chapter) continue;
    await placeExerciseFiles({ driver, sandboxId, workdir: chapter.workdir }, chapter.files);
    restored.push(chapterId);
  }
  return restored;
}
