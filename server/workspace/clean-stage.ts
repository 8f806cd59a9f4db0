import "server-only";
import { exerciseNeeds, inTheWay, type ExerciseNeeds, type InTheWay } from "@/lib/clean-stage";
import { normalizeImageName } from "@/lib/checks/image-config";
import type { Chapter, Course } from "@/lib/content/chapter";
import type { ExerciseRef } from "@/lib/sandbox-api";
import { getChapter, getCourse } from "../content/course";
import { getDrill } from "../content/drills";
import { latestAttemptOf } from "../drills/learner-drill";
import { HttpError } from "../http/http-error";
import type { LabRuntime } from "../runtime";
import type { SandboxDriver } from "../sandbox/driver";
import { listContainersIn } from "../sandbox/list-learner-containers";
import { assertChapterOpen } from "../workshop/chapter-access";

const STOP_TIMEOUT_MS = 60_000;

export function chapterNeeds(chapter: Chapter): ExerciseNeeds {
  const texts = chapter.steps.flatMap((s) => [s.markdown, s.solutionMarkdown, ...s.hints]);
  return exerciseNeeds(texts, chapter.steps.flatMap((s) => s.checks));
}

/** What an exercise needs of the sandbox, and which images belong to the other exercises. */
export interface Stage {
  needs: ExerciseNeeds;
  ofOtherExercise: (image: string) => boolean;
}

/** The stage of an exercise with these needs; `chapterId` names the chapter it is, if it is one. */
export function stageWith(course: Course, needs: ExerciseNeeds, chapterId: string | null): Stage {
  const chapterImages = new Set(course.chapters.filter((c) => c.id !== chapterId).flatMap((c) => chapterNeeds(c).images));
  // Every drill builds its project as drill/<name> (content/drills): one of those not this exercise's is another's.
  return { needs, ofOtherExercise: (image) => chapterImages.has(image) || normalizeImageName(image).startsWith("drill/") };
}

/** The stage of the exercise the page is open on, for this learner (a drill's names are those of their attempt). */
async function stageFor(learnerId: string, ref: ExerciseRef): Promise<Stage> {
  const course = await getCourse();
  if ("chapterId" in ref) {
    const chapter = await getChapter(ref.chapterId);
    if (!chapter) throw new HttpError(404, `There is no chapter "${ref.chapterId}".`);
    await assertChapterOpen(learnerId, chapter.id);
    return stageWith(course, chapterNeeds(chapter), chapter.id);
  }
  const drill = await getDrill(ref.drillId);
  if (!drill) throw new HttpError(404, `There is no drill "${ref.drillId}".`);
  // Before the first attempt the drill has no names yet: only other exercises' images can be in its way.
  const attempt = await latestAttemptOf(learnerId, drill).catch(() => null);
  const { variant } = attempt ?? {};
  return stageWith(course, variant ? exerciseNeeds([variant.goal, variant.fixNotes, ...variant.hints], variant.checks) : { ports: [], images: [] }, null);
}

/** The containers running in one sandbox that are in the way of an exercise, and why. */
export async function stageIn(driver: SandboxDriver, sandboxId: string, stage: Stage): Promise<InTheWay[]> {
  return inTheWay(await listContainersIn(driver, sandboxId), stage.needs, stage.ofOtherExercise);
}

/** Stops what is in the exercise's way in one sandbox, as looked at now, as its learner would; returns their names. */
export async function stopInTheWay(driver: SandboxDriver, sandboxId: string, stage: Stage): Promise<string[]> {
  const list = await stageIn(driver, sandboxId, stage);
  if (!list.length) return [];
  const ids = list.map((entry) => entry.container.id);
  const result = await driver.exec(sandboxId, ["docker", "container", "stop", "--time", "5", ...ids], { user: "learner", timeoutMs: STOP_TIMEOUT_MS }).catch(() => null);
  if (!result || result.exitCode !== 0) {
    throw new HttpError(503, `Docker in your sandbox could not stop them${result?.stderr.trim() ? `: ${result.stderr.trim().split("\n").at(-1)}` : ""}. Try again, or stop them in the terminal.`, "unavailable");
  }
  return list.map((entry) => entry.container.name);
}

/** The containers running in the learner's sandbox that are in the way of the exercise, and why. */
export async function stageOf(lab: Pick<LabRuntime, "sandboxes" | "driver">, learnerId: string, ref: ExerciseRef): Promise<InTheWay[]> {
  const stage = await stageFor(learnerId, ref);
  const { sandboxes, driver } = lab;
  const sandboxId = await sandboxes.sandboxOf(learnerId);
  return sandboxId ? stageIn(driver, sandboxId, stage) : [];
}

/**
 * Stops what is in the exercise's way, as looked at now (never a list the page sends): the learner's own containers,
 * stopped as the learner would with `docker container stop`.
 */
export async function clearStage(lab: Pick<LabRuntime, "sandboxes" | "driver">, learnerId: string, ref: ExerciseRef): Promise<{ stopped: string[] }> {
  const stage = await stageFor(learnerId, ref);
  const { sandboxes, driver } = lab;
  const sandboxId = await sandboxes.sandboxOf(learnerId);
  return { stopped: sandboxId ? await stopInTheWay(driver, sandboxId, stage) : [] };
}
