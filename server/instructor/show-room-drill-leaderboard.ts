import "server-only";
import { drillLeaderboard, isDrillBoardVisible } from "../db/drill-attempts";
import type { Workshop } from "../db/workshops";

/** The room's drill leaderboard as the instructor sees it (always), over the workshop's drills, and whether the room sees it. */
export async function showRoomDrillLeaderboard(workshop: Workshop) {
  const rows = workshop.drillIds.length ? await drillLeaderboard({ workshopId: workshop.id, drillIds: workshop.drillIds }) : [];
  return { visible: await isDrillBoardVisible(workshop.id), drillIds: workshop.drillIds, rows };
}
