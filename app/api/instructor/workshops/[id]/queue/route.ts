import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";
import { getRuntime } from "@/server/runtime";
import { workshopQueue } from "@/server/workshop/workshop-queue";

export const dynamic = "force-dynamic";

/** The lab's admission queue: how many wait, and which of this workshop's members; only for the workshop's owner. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return jsonRoute(async () => {
    const { workshop } = await requireWorkshopOwner((await params).id, request);
    return Response.json(await workshopQueue(workshop, getRuntime().sandboxes), { headers: { "cache-control": "no-store" } });
  });
}
