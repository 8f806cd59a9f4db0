import "server-only";
import { getChapter } from "../content/course";
import { db } from "../db/client";
import type { SandboxDriver } from "../sandbox/driver";
import { placeExerciseFiles, writeExerciseFile } from "./exercise-workspace";
import type { SavedVersions } from "./saved-versions";

/**
 * After a learner's sandbox had to be replaced (the old one was beyond repair), puts back the learner's own saved
 * versions the lab kept (`saved`), then the starting files of every chapter they worked on (those with recorded
 * progress); a file already there (a kept home restored, a saved version) is never overwritten. Returns the
 * chapters whose files were placed.
 */
export async function restoreExerciseFiles(driver: SandboxDriver, learnerId: string, sandboxId: string, saved?: SavedVersions): Promise<string[]> {
  for (const version of (await saved?.list(learnerId)) ?? []) {
    // Only where nothing is (null: the file must be absent); one that cannot be written does not stop the others.
    await writeExerciseFile({ driver, sandboxId, workdir: version.workdir }, version.path, version.content, null).catch((error) =>
      console.error(`putting back ${learnerId}'s saved ${version.workdir}/${version.path} failed:`, error),
    );
  }
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
