import "server-only";
import { exerciseNeeds, inTheWay, type ExerciseNeeds, type InTheWay } from "@/lib/clean-stage";
import { normalizeImageName } from "@/lib/checks/image-config";
import type { Chapter } from "@/lib/content/chapter";
import { getChapter, getCourse } from "../content/course";
import { getDrill } from "../content/drills";
import { latestAttemptOf } from "../drills/learner-drill";
import { HttpError } from "../http/http-error";
import { getRuntime } from "../runtime";
import type { ExerciseRef } from "../sandbox/sandbox-controls";
import { listLearnerContainers } from "../sandbox/list-learner-containers";
import { assertChapterOpen } from "../workshop/chapter-access";

const STOP_TIMEOUT_MS = 60_000;

function chapterNeeds(chapter: Chapter): ExerciseNeeds {
  const texts = chapter.steps.flatMap((s) => [s.markdown, s.solutionMarkdown, ...s.hints]);
  return exerciseNeeds(texts, chapter.steps.flatMap((s) => s.checks));
}

/** What the exercise needs, and which images belong to the other exercises. */
async function stageFor(learnerId: string, ref: ExerciseRef): Promise<{ needs: ExerciseNeeds; ofOtherExercise: (image: string) => boolean }> {
  const course = await getCourse();
  let needs: ExerciseNeeds;
  let current: string | null = null;
  if ("chapterId" in ref) {
    const chapter = await getChapter(ref.chapterId);
    if (!chapter) throw new HttpError(404, `There is no chapter "${ref.chapterId}".`);
    await assertChapterOpen(learnerId, chapter.id);
    needs = chapterNeeds(chapter);
    current = chapter.id;
  } else {
    const drill = await getDrill(ref.drillId);
    if (!drill) throw new HttpError(404, `There is no drill "${ref.drillId}".`);
    // Before the first attempt the drill has no names yet: only other exercises' images can be in its way.
    const attempt = await latestAttemptOf(learnerId, drill).catch(() => null);
    needs = attempt ? exerciseNeeds([attempt.variant.goal, attempt.variant.fixNotes, ...attempt.variant.hints], attempt.variant.checks) : { ports: [], images: [] };
  }
  const chapterImages = new Set(course.chapters.filter((c) => c.id !== current).flatMap((c) => chapterNeeds(c).images));
  // Every drill builds its project as drill/<name> (content/drills): one of those not this exercise's is another's.
  return { needs, ofOtherExercise: (image) => chapterImages.has(image) || normalizeImageName(image).startsWith("drill/") };
}

/** The containers running in the learner's sandbox that are in the way of the exercise, and why. */
export async function stageOf(learnerId: string, ref: ExerciseRef): Promise<InTheWay[]> {
  const { needs, ofOtherExercise } = await stageFor(learnerId, ref);
  return inTheWay(await listLearnerContainers(learnerId), needs, ofOtherExercise);
}

/**
 * Stops what is in the exercise's way, as looked at now (never a list the page sends): the learner's own containers,
 * stopped as the learner would with `docker container stop`.
 */
export async function clearStage(learnerId: string, ref: ExerciseRef): Promise<{ stopped: string[] }> {
  const list = await stageOf(learnerId, ref);
  if (!list.length) return { stopped: [] };
  const { sandboxes, driver } = getRuntime();
  const sandboxId = await sandboxes.sandboxOf(learnerId);
  if (!sandboxId) return { stopped: [] };
  const ids = list.map((entry) => entry.container.id);
  const result = await driver.exec(sandboxId, ["docker", "container", "stop", "--time", "5", ...ids], { user: "learner", timeoutMs: STOP_TIMEOUT_MS }).catch(() => null);
  if (!result || result.exitCode !== 0) {
    throw new HttpError(503, `Docker in your sandbox could not stop them${result?.stderr.trim() ? `: ${result.stderr.trim().split("\n").at(-1)}` : ""}. Try again, or stop them in the terminal.`, "unavailable");
  }
  return { stopped: list.map((entry) => entry.container.name) };
}
