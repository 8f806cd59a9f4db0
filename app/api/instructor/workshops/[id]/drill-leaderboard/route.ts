import { boardVisibilitySchema } from "@/lib/drills/drill-api";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { HttpError, jsonRoute } from "@/server/auth/request-guard";
import { drillLeaderboard, isDrillBoardVisible } from "@/server/db/drill-attempts";
import { setDrillBoardShown } from "@/server/workshop/workshop-control";

type Params = { params: Promise<{ id: string }> };

/** The room's drill leaderboard as the instructor sees it (always), over the workshop's drills, and whether the room sees it. */
export async function GET(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const { workshop } = await requireWorkshopOwner((await params).id, request);
    const rows = workshop.drillIds.length ? await drillLeaderboard({ workshopId: workshop.id, drillIds: workshop.drillIds }) : [];
    return Response.json({ visible: await isDrillBoardVisible(workshop.id), drillIds: workshop.drillIds, rows });
  });
}

/** Shows or hides the drill leaderboard for the room. */
export async function PUT(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const { instructor, workshop } = await requireWorkshopOwner((await params).id, request);
    const body = await parseJsonBody(request, boardVisibilitySchema);
    if (!body.ok) throw new HttpError(400, body.error);
    await setDrillBoardShown(instructor, workshop, body.data.visible);
    return Response.json({ visible: body.data.visible });
  });
}
