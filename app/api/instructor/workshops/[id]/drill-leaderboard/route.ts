import { boardVisibilitySchema } from "@/lib/drills/drill-api";
import { readBody, withWorkshopOwner } from "@/server/http/route-guards";
import { showRoomDrillLeaderboard } from "@/server/instructor/show-room-drill-leaderboard";
import { setDrillBoardShown } from "@/server/workshop/workshop-control";

/** The room's drill leaderboard as the instructor sees it (always), over the workshop's drills, and whether the room sees it. */
export const GET = withWorkshopOwner(async ({ workshop }) => Response.json(await showRoomDrillLeaderboard(workshop)));

/** Shows or hides the drill leaderboard for the room. */
export const PUT = withWorkshopOwner(async ({ lab, instructor, workshop, request }) => {
  const { visible } = await readBody(request, boardVisibilitySchema);
  await setDrillBoardShown(lab, instructor, workshop, visible);
  return Response.json({ visible });
});
