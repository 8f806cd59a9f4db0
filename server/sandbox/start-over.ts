import "server-only";
import type { SandboxActor } from "@/lib/learner-events";
import type { ExerciseRef } from "@/lib/sandbox-api";
import { getChapter } from "../content/course";
import { drillFromParams, latestAttemptOf } from "../drills/learner-drill";
import { HttpError } from "../http/http-error";
import type { LabRuntime } from "../runtime";
import { placeExerciseFiles } from "../workspace/exercise-workspace";
import { savedVersionsOf } from "../workspace/saved-versions";
import { assertChapterOpen } from "../workshop/chapter-access";
import { announced, requireSandboxOf, type SandboxControlLab } from "./sandbox-controls";

/** What a fresh sandbox needs of the lab: as a restart, and the driver and config to put files in and forget saved ones. */
export type FreshSandboxLab = SandboxControlLab & Pick<LabRuntime, "driver" | "config">;

interface Exercise {
  workdir: string;
  files: { path: string; content: string }[];
}

/** The exercise's folder and starting files: a chapter the learner may open, or their latest attempt at a drill. */
async function exerciseOf(learnerId: string, ref: ExerciseRef): Promise<Exercise> {
  if ("chapterId" in ref) {
    const chapter = await getChapter(ref.chapterId);
    if (!chapter) throw new HttpError(404, `There is no chapter "${ref.chapterId}".`);
    await assertChapterOpen(learnerId, chapter.id);
    return { workdir: chapter.workdir, files: chapter.files };
  }
  const drill = await drillFromParams({ drillId: ref.drillId });
  const { variant } = await latestAttemptOf(learnerId, drill);
  return { workdir: drill.workdir, files: variant.files };
}

/**
 * Throws the learner's sandbox away and gives them a fresh one (progress, in the database, is kept), then puts
 * the exercise's starting files in it when one is named. Pages open on other exercises put theirs back
 * themselves when they hear "replaced".
 */
export async function giveFreshSandbox(
  lab: FreshSandboxLab,
  learnerId: string,
  by: SandboxActor,
  exercise?: Exercise,
): Promise<{ placed: string[] }> {
  return announced(lab, learnerId, by, { start: "replacing", done: "replaced" }, async (letGoOfTerminal) => {
    const { driver, sandboxes, config } = lab;
    const sandbox = await sandboxes.reset(learnerId, undefined, { beforeStop: letGoOfTerminal });
    // Fresh means fresh: a sandbox lost later must not bring back what was saved before this.
    await savedVersionsOf(config).forget(learnerId);
    if (!exercise) return { placed: [] };
    const { placed } = await placeExerciseFiles({ driver, sandboxId: sandbox.sandboxId, workdir: exercise.workdir }, exercise.files);
    return { placed };
  });
}

/** The learner's own "Start over", from the page of `ref`: a fresh sandbox holding that exercise's files. */
export async function startOver(lab: FreshSandboxLab, learnerId: string, ref: ExerciseRef): Promise<{ placed: string[] }> {
  // Refused before anything is thrown away: a locked chapter, a drill never started.
  const exercise = await exerciseOf(learnerId, ref);
  await requireSandboxOf(lab, learnerId);
  return giveFreshSandbox(lab, learnerId, { kind: "learner" }, exercise);
}
