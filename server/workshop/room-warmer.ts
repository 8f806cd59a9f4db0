import "server-only";
import { db } from "../db/client";
import { runningAt } from "./workshop-seats";

/**
 * Which rooms the lab warms sandboxes for, and how many seats each: every workshop whose room is open (from
 * 30 minutes before its start, when joining opens, to its end), its seats up to `maxPerRoom`
 * (LAYERLAB_WARM_SEATS). The sandbox manager holds a ready pool sandbox for each such seat no member holds yet,
 * within the lab's places (server/sandbox/seat-warmer.ts), and lets them go when the room ends or fills. A
 * workshop created with its room open is warmed at once (workshop-control.ts asks); one scheduled later is
 * warmed by the manager's periodic pass once its room opens.
 */
export async function roomsToWarm(maxPerRoom: number, now = new Date()): Promise<Map<string, number>> {
  if (maxPerRoom <= 0) return new Map();
  const rows = await db().workshop.findMany({ where: runningAt(now), select: { id: true, capacity: true } });
  return new Map(rows.map((r) => [r.id, Math.min(r.capacity, maxPerRoom)]));
}
