import "server-only";
import type { Leaderboard } from "@/lib/drills/drill-api";
import { drillLeaderboard, isDrillBoardVisible } from "../db/drill-attempts";
import { currentWorkshopOf, findWorkshop } from "../db/workshops";
import type { LearnerEventBus } from "../events/learner-event-bus";
import { publishToRoom } from "../workshop/room-events";

/**
 * The leaderboard a learner may see. For a drill their workshop plays, the room's own board, and only while
 * the instructor shows it (a room is hidden by default: a race is the instructor's call). For any other
 * drill, and outside a workshop, everyone's.
 */
export async function leaderboardFor(learnerId: string, drillId: string): Promise<Leaderboard> {
  const workshop = await currentWorkshopOf(learnerId);
  const room = workshop?.drillIds.includes(drillId) ? workshop : null;
  if (room && !(await isDrillBoardVisible(room.id))) return { scope: "hidden", rows: [] };
  const rows = await drillLeaderboard({ drillId, workshopId: room?.id });
  return { scope: room ? "room" : "everyone", rows: rows.map(({ learnerId: id, ...row }) => ({ ...row, you: id === learnerId })) };
}

/** A score landed in a workshop's race: the room's open leaderboards reload. */
export async function announceDrillScore(events: LearnerEventBus, attempt: { drillId: string; workshopId: string | null }): Promise<void> {
  const workshop = attempt.workshopId ? await findWorkshop(attempt.workshopId) : null;
  if (workshop?.drillIds.includes(attempt.drillId)) await publishToRoom(events, workshop.id, { type: "room", change: "drills" });
}
