import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { jsonRoute } from "@/server/auth/request-guard";
import { roomCsv } from "@/lib/workshop/room";
import { roomSettingsFromQuery } from "@/lib/validations/room";
import { recordAudit } from "@/server/db/audit";
import { roomSnapshot } from "@/server/workshop/room-feed";

export const dynamic = "force-dynamic";

/** The room's results as a CSV file, one line per learner; only for the workshop's owner. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return jsonRoute(async () => {
    const { instructor, workshop } = await requireWorkshopOwner((await params).id, request);
    const query = roomSettingsFromQuery(new URL(request.url).searchParams);
    if (!query.ok) return Response.json({ error: query.error }, { status: 400 });
    const csv = roomCsv(await roomSnapshot(workshop, query.settings));
    await recordAudit({ actorId: instructor.id, workshopId: workshop.id, action: "workshop.export" });
    const name = `${workshop.title.replace(/[^\p{L}\p{N}._-]+/gu, "-").slice(0, 60) || "workshop"}-results.csv`;
    return new Response(csv, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="results.csv"; filename*=UTF-8''${encodeURIComponent(name)}`,
        "cache-control": "no-store",
      },
    });
  });
}
