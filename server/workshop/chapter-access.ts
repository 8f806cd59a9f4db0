import "server-only";
import { HttpError } from "../auth/request-guard";
import { currentWorkshopOf } from "../db/workshops";

/** Chapters the learner's current workshop has locked for the room (none outside a workshop). */
export async function lockedChaptersFor(learnerId: string): Promise<Set<string>> {
  const workshop = await currentWorkshopOf(learnerId);
  return new Set(workshop?.lockedChapterIds ?? []);
}

export async function isChapterLocked(learnerId: string, chapterId: string): Promise<boolean> {
  return (await lockedChaptersFor(learnerId)).has(chapterId);
}

/** For every chapter route: 403 with the reason while the learner's workshop has the chapter locked. */
export async function assertChapterOpen(learnerId: string, chapterId: string): Promise<void> {
  if (await isChapterLocked(learnerId, chapterId)) {
    throw new HttpError(403, "Your instructor has locked this chapter for now; it opens when the room gets to it.");
  }
}
