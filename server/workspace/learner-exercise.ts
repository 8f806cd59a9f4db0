import "server-only";
import { z } from "zod";
import { HttpError } from "../auth/request-guard";
import { getChapter } from "../content/course";
import type { LabRuntime } from "../runtime";
import { SandboxNotRunningError, type ExerciseFolder } from "./exercise-workspace";

const chapterParams = z.object({ chapterId: z.string().min(1).max(100) });

/** The chapter named in the URL, or a 404 naming it. */
export async function chapterFromParams(params: unknown) {
  const parsed = chapterParams.safeParse(params);
  if (!parsed.success) throw new HttpError(400, "The chapter id in the address is not valid.");
  const chapter = await getChapter(parsed.data.chapterId);
  if (!chapter) throw new HttpError(404, `There is no chapter "${parsed.data.chapterId}".`);
  return chapter;
}

/**
 * The chapter's folder in this learner's own sandbox, looked up from the session, never from anything the
 * browser says. It never starts a sandbox: that is POST …/start's work, with progress the page can show,
 * and a poll from a forgotten tab must not wake a sandbox the idle reaper stopped.
 */
export async function exerciseFolderFor({ driver, sandboxes }: Pick<LabRuntime, "driver" | "sandboxes">, learnerId: string, workdir: string): Promise<ExerciseFolder> {
  const sandboxId = await sandboxes.sandboxOf(learnerId);
  if (!sandboxId) throw new SandboxNotRunningError("You have no sandbox yet. Open the chapter page (or use the editor's button) to start one.");
  return { driver, sandboxId, workdir };
}
