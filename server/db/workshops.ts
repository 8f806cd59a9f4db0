import "server-only";
import { randomInt, randomUUID } from "node:crypto";
import { newJoinCode } from "@/lib/workshop/join-code";
import { db } from "./client";
import { isUniqueViolation } from "./unique-violation";

export interface Workshop {
  id: string;
  title: string;
  chapterIds: string[];
  lockedChapterIds: string[];
  drillIds: string[];
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  memberCount: number;
  joinCode: string;
  createdAt: Date;
  endedAt: Date | null;
  ownerId: string;
}

export interface WorkshopDraft {
  title: string;
  chapterIds: string[];
  drillIds: string[];
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  ownerId: string;
}

export interface WorkshopMember {
  learnerId: string;
  displayName: string;
  joinedAt: Date;
}

type Row = Omit<Workshop, "chapterIds" | "lockedChapterIds" | "drillIds"> & { chapterIds: string; lockedChapterIds: string; drillIds: string };

function idList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function toWorkshop(row: Row): Workshop {
  return { ...row, chapterIds: idList(row.chapterIds), lockedChapterIds: idList(row.lockedChapterIds), drillIds: idList(row.drillIds) };
}

export async function createWorkshop(draft: WorkshopDraft): Promise<Workshop> {
  // A fresh code collides about once in a few hundred million; try again rather than fail.
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await db().workshop.create({
        data: { id: randomUUID(), ...draft, chapterIds: JSON.stringify(draft.chapterIds), drillIds: JSON.stringify(draft.drillIds), joinCode: newJoinCode(randomInt) },
      });
      return toWorkshop(row);
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 5) throw error;
    }
  }
}

export async function findWorkshop(id: string): Promise<Workshop | null> {
  const row = await db().workshop.findUnique({ where: { id } });
  return row && toWorkshop(row);
}

export async function findWorkshopByCode(joinCode: string): Promise<Workshop | null> {
  const row = await db().workshop.findUnique({ where: { joinCode } });
  return row && toWorkshop(row);
}

/** An instructor's own workshops, newest first. */
export async function listWorkshopsOf(ownerId: string): Promise<Workshop[]> {
  return (await db().workshop.findMany({ where: { ownerId }, orderBy: { startsAt: "desc" } })).map(toWorkshop);
}

export async function setLockedChapters(workshopId: string, lockedChapterIds: string[]): Promise<Workshop> {
  const row = await db().workshop.update({ where: { id: workshopId }, data: { lockedChapterIds: JSON.stringify(lockedChapterIds) } });
  return toWorkshop(row);
}

/** Ends the workshop once; false when it had ended already. */
export async function markWorkshopEnded(workshopId: string, at = new Date()): Promise<boolean> {
  const { count } = await db().workshop.updateMany({ where: { id: workshopId, endedAt: null }, data: { endedAt: at } });
  return count === 1;
}

export type JoinOutcome = "joined" | "already a member" | "full";

/**
 * Adds the learner to the workshop if a seat is free. The seat is claimed with one conditional update
 * (memberCount < capacity), which both databases apply atomically, so a rush of joins never overfills
 * the room; a learner who joins again keeps their seat.
 */
export async function addMember(workshop: Pick<Workshop, "id" | "capacity">, learnerId: string): Promise<JoinOutcome> {
  return db().$transaction(async (tx) => {
    const existing = await tx.workshopMembership.findUnique({ where: { workshopId_learnerId: { workshopId: workshop.id, learnerId } } });
    if (existing) return "already a member";
    const seat = await tx.workshop.updateMany({
      where: { id: workshop.id, memberCount: { lt: workshop.capacity } },
      data: { memberCount: { increment: 1 } },
    });
    if (seat.count === 0) return "full";
    await tx.workshopMembership.create({ data: { workshopId: workshop.id, learnerId } });
    return "joined";
  });
}

export async function membersOf(workshopId: string): Promise<WorkshopMember[]> {
  const rows = await db().workshopMembership.findMany({
    where: { workshopId },
    orderBy: { joinedAt: "asc" },
    select: { learnerId: true, joinedAt: true, learner: { select: { displayName: true } } },
  });
  return rows.map((r) => ({ learnerId: r.learnerId, joinedAt: r.joinedAt, displayName: r.learner.displayName }));
}

export async function isMember(workshopId: string, learnerId: string): Promise<boolean> {
  return (await db().workshopMembership.count({ where: { workshopId, learnerId } })) > 0;
}

/** The workshop a learner is in now: the one they joined last among those not ended. */
export async function currentWorkshopOf(learnerId: string, now = new Date()): Promise<Workshop | null> {
  const membership = await db().workshopMembership.findFirst({
    where: { learnerId, workshop: { endedAt: null, endsAt: { gt: now } } },
    orderBy: { joinedAt: "desc" },
    select: { workshop: true },
  });
  return membership && toWorkshop(membership.workshop);
}
