import "server-only";
import { HttpError } from "../auth/request-guard";
import { getChapter } from "./course";

/** The chapter and step named in a URL, or a 404 that says which one was not found. */
export async function findStep(chapterId: string, stepId: string) {
  const chapter = await getChapter(chapterId);
  if (!chapter) throw new HttpError(404, `There is no chapter "${chapterId}".`);
  const step = chapter.steps.find((s) => s.id === stepId);
  if (!step) throw new HttpError(404, `Chapter "${chapter.title}" has no step "${stepId}".`);
  return { chapter, step };
}
