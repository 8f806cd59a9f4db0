import "server-only";
import type { Leaderboard } from "@/lib/drills/drill-api";
import { drillLeaderboard, isDrillBoardVisible } from "../db/drill-attempts";
import { currentWorkshopOf } from "../db/workshops";

/**
 * The leaderboard a learner may see. In a workshop, the room's own board, and only while the
 * instructor shows it (a room is hidden by default: a race is the instructor's call). Outside a
 * workshop, everyone's.
 */
export async function leaderboardFor(learnerId: string, drillId?: string): Promise<Leaderboard> {
  const workshop = await currentWorkshopOf(learnerId);
  if (workshop && !(await isDrillBoardVisible(workshop.id))) return { scope: "hidden", rows: [] };
  const rows = await drillLeaderboard({ drillId, workshopId: workshop?.id });
  return { scope: workshop ? "room" : "everyone", rows: rows.map(({ learnerId: id, ...row }) => ({ ...row, you: id === learnerId })) };
}
