import "server-only";
import { decideFolderMove, FOREGROUND_COMMAND, PANE_STATE_SCRIPT, shellInForeground, TYPE_LINE_SCRIPT, type FolderMove } from "@/lib/exercise-folder";
import type { ExerciseRef } from "@/lib/sandbox-api";
import { getChapter } from "../content/course";
import { getDrill } from "../content/drills";
import { HttpError } from "../http/http-error";
import type { LabRuntime } from "../runtime";
import { assertChapterOpen } from "../workshop/chapter-access";

const EXEC_TIMEOUT_MS = 10_000;
/**
 * How often, and how long apart, it looks again while a new shell has not drawn its first prompt or the exercise's
 * files are still being put in place (the page starts both at once on a first visit).
 */
const PROMPT_TRIES = 10;
const PROMPT_WAIT_MS = 500;

/** The folder of a chapter the learner may open, or of a drill. */
async function workdirOf(learnerId: string, ref: ExerciseRef): Promise<string> {
  if ("chapterId" in ref) {
    const chapter = await getChapter(ref.chapterId);
    if (!chapter) throw new HttpError(404, `There is no chapter "${ref.chapterId}".`);
    await assertChapterOpen(learnerId, chapter.id);
    return chapter.workdir;
  }
  const drill = await getDrill(ref.drillId);
  if (!drill) throw new HttpError(404, `There is no drill "${ref.drillId}".`);
  return drill.workdir;
}

/**
 * Moves the learner's shell into the exercise's folder when they open it: `cd ~/<folder>` typed into their shell,
 * so the line shows in every tab they have open. Only a shell idle at its prompt is moved (a running build's input
 * or a half-typed line is left alone); it never starts a sandbox.
 */
export async function enterExerciseFolder(lab: Pick<LabRuntime, "sandboxes" | "driver" | "terminals">, learnerId: string, ref: ExerciseRef): Promise<FolderMove> {
  const workdir = await workdirOf(learnerId, ref);
  const { sandboxes, driver, terminals } = lab;
  const sandboxId = await sandboxes.sandboxOf(learnerId);
  if (!sandboxId) return { action: "stay", why: "no-shell" };
  let move: FolderMove = { action: "stay", why: "no-prompt-yet" };
  for (let tries = 0; move.action === "stay" && (move.why === "no-prompt-yet" || move.why === "no-folder") && tries < PROMPT_TRIES; tries++) {
    if (tries) await new Promise((resolve) => setTimeout(resolve, PROMPT_WAIT_MS));
    const state = await driver.exec(sandboxId, ["bash", "-c", PANE_STATE_SCRIPT, "_", workdir], { user: "learner", timeoutMs: EXEC_TIMEOUT_MS }).catch(() => null);
    if (!state || state.exitCode !== 0) return { action: "stay", why: "no-shell" };
    move = decideFolderMove(state.stdout, workdir);
  }
  if (move.action !== "move") return move;
  const { command, line, cursor } = move.seen;
  // Its prompt is the lab's, not the learner's: no checks for it (the room would count them as the learner's tries).
  terminals.labTypes(learnerId);
  const typed = await driver
    .exec(sandboxId, ["bash", "-c", TYPE_LINE_SCRIPT, "_", move.typed, command, line, String(cursor)], { user: "learner", timeoutMs: EXEC_TIMEOUT_MS })
    .catch(() => null);
  if (typed?.exitCode === 0 && typed.stdout.trim() === "typed") {
    terminals.labTyped(learnerId);
    return move;
  }
  terminals.labTypedNothing(learnerId);
  return !typed || typed.exitCode !== 0 ? { action: "stay", why: "no-shell" } : { action: "stay", why: "changed" };
}

/**
 * Whether the learner's own shell is in the foreground of their terminal (▶ Run then goes to the exercise's folder
 * first), or something runs in it. Null when that cannot be told (no sandbox or no shell yet).
 */
export async function shellIsForeground(lab: Pick<LabRuntime, "sandboxes" | "driver">, learnerId: string): Promise<boolean | null> {
  const { sandboxes, driver } = lab;
  const sandboxId = await sandboxes.sandboxOf(learnerId);
  if (!sandboxId) return null;
  const result = await driver.exec(sandboxId, FOREGROUND_COMMAND, { user: "learner", timeoutMs: EXEC_TIMEOUT_MS }).catch(() => null);
  return result?.exitCode === 0 ? shellInForeground(result.stdout) : null;
}
