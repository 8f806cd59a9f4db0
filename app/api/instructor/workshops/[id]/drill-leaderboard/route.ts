import { boardVisibilitySchema } from "@/lib/drills/drill-api";
import { parseJsonBody } from "@/lib/validations/parse-body";
import { requireWorkshopOwner } from "@/server/auth/instructor-guard";
import { HttpError, jsonRoute } from "@/server/auth/request-guard";
import { recordAudit } from "@/server/db/audit";
import { drillLeaderboard, isDrillBoardVisible, setDrillBoardVisible } from "@/server/db/drill-attempts";

type Params = { params: Promise<{ id: string }> };

/** The room's drill leaderboard as the instructor sees it (always), and whether the room sees it. */
export async function GET(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const { workshop } = await requireWorkshopOwner((await params).id, request);
    return Response.json({ visible: await isDrillBoardVisible(workshop.id), rows: await drillLeaderboard({ workshopId: workshop.id }) });
  });
}

/** Shows or hides the drill leaderboard for the room. */
export async function PUT(request: Request, { params }: Params) {
  return jsonRoute(async () => {
    const { instructor, workshop } = await requireWorkshopOwner((await params).id, request);
    const body = await parseJsonBody(request, boardVisibilitySchema);
    if (!body.ok) throw new HttpError(400, body.error);
    await setDrillBoardVisible(workshop.id, body.data.visible);
    await recordAudit({ actorId: instructor.id, workshopId: workshop.id, action: body.data.visible ? "workshop.drill-board.show" : "workshop.drill-board.hide", detail: {} });
    return Response.json({ visible: body.data.visible });
  });
}
