import { parseJsonBody } from "@/lib/validations/parse-body";
import { chapterLockSchema } from "@/lib/validations/workshop";
import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";
import { setChapterLocked } from "@/server/workshop/workshop-control";

/** Locks or unlocks one chapter for the whole room. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return jsonRoute(async () => {
    const { instructor, workshop } = await requireWorkshopOwner((await params).id, request);
    const body = await parseJsonBody(request, chapterLockSchema);
    if (!body.ok) return Response.json({ error: body.error }, { status: 400 });
    const updated = await setChapterLocked(instructor, workshop, body.data.chapterId, body.data.locked);
    return Response.json({ lockedChapterIds: updated.lockedChapterIds });
  });
}
