import { chapterLockSchema } from "@/lib/validations/workshop";
import { readBody, withWorkshopOwner } from "@/server/http/route-guards";
import { setChapterLocked } from "@/server/workshop/workshop-control";

/** Locks or unlocks one chapter for the whole room. */
export const POST = withWorkshopOwner(async ({ lab, instructor, workshop, request }) => {
  const { chapterId, locked } = await readBody(request, chapterLockSchema);
  const updated = await setChapterLocked(lab, instructor, workshop, chapterId, locked);
  return Response.json({ lockedChapterIds: updated.lockedChapterIds });
});
