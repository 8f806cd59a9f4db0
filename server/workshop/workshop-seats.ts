import "server-only";
import { db } from "../db/client";

/** A room opens this long before its start (as joining does, server/workshop/joining.ts). */
const OPENS_BEFORE_MS = 30 * 60_000;

/** Workshops whose room is open now (joins allowed): from 30 minutes before the start to the end, unless ended. */
export function runningAt(now: Date) {
  return { endedAt: null, startsAt: { lte: new Date(now.getTime() + OPENS_BEFORE_MS) }, endsAt: { gt: now } };
}

/**
 * Seats taken in every workshop running now (open, not ended), by id: the lab keeps that many sandbox places
 * for their members. Seats nobody has joined yet are not kept: a 500-seat workshop that three people joined
 * would otherwise lock the public out of the whole lab for its duration.
 */
export async function runningWorkshopSeats(now = new Date()): Promise<Map<string, number>> {
  const rows = await db().workshop.findMany({ where: runningAt(now), select: { id: true, memberCount: true } });
  return new Map(rows.map((r) => [r.id, r.memberCount]));
}

/** The running workshop the learner is a member of (the one joined last), or null. */
export async function runningWorkshopOf(learnerId: string, now = new Date()): Promise<string | null> {
  const row = await db().workshopMembership.findFirst({ where: { learnerId, workshop: runningAt(now) }, select: { workshopId: true }, orderBy: { joinedAt: "desc" } });
  return row?.workshopId ?? null;
}
