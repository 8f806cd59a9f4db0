import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";
import { roomSettingsFromQuery } from "@/lib/validations/room";
import { roomSnapshot } from "@/server/workshop/room-feed";

export const dynamic = "force-dynamic";

/** The whole room at once (the dashboard's first load, and its periodic catch-up); only for the workshop's owner. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return jsonRoute(async () => {
    const { workshop } = await requireWorkshopOwner((await params).id, request);
    const query = roomSettingsFromQuery(new URL(request.url).searchParams);
    if (!query.ok) return Response.json({ error: query.error }, { status: 400 });
    return Response.json(await roomSnapshot(workshop, query.settings), { headers: { "cache-control": "no-store" } });
  });
}
