import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "./client";

/** Drill attempts and the leaderboard built from them. */

export interface DrillAttempt {
  id: string;
  learnerId: string;
  drillId: string;
  seed: number;
  workshopId: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  hintsOpened: number;
  gaveUp: boolean;
  passed: boolean;
  score: number;
  timeMs: number | null;
  checkRuns: number;
}

export async function createDrillAttempt(input: { learnerId: string; drillId: string; seed: number; workshopId: string | null }, now = new Date()): Promise<DrillAttempt> {
  return db().drillAttempt.create({ data: { id: randomUUID(), ...input, startedAt: now } });
}

/** The learner's latest attempt at a drill, finished or not. */
export async function latestDrillAttempt(learnerId: string, drillId: string): Promise<DrillAttempt | null> {
  return db().drillAttempt.findFirst({ where: { learnerId, drillId }, orderBy: { startedAt: "desc" } });
}

/** An attempt, only if it is this learner's: another learner's id answers like a missing one. */
export async function findDrillAttempt(id: string, learnerId: string): Promise<DrillAttempt | null> {
  return db().drillAttempt.findFirst({ where: { id, learnerId } });
}

/** Counts one more hint opened, while the attempt runs; answers the attempt as it is now. */
export async function recordDrillHint(id: string, maxHints: number): Promise<DrillAttempt> {
  await db().drillAttempt.updateMany({ where: { id, finishedAt: null, hintsOpened: { lt: maxHints } }, data: { hintsOpened: { increment: 1 } } });
  return db().drillAttempt.findUniqueOrThrow({ where: { id } });
}

/**
 * Records a check run, and the finish when it passed. The finish is a conditional update, so two
 * checks passing at once (a double click) finish the attempt once, with the first one's time.
 */
export async function recordDrillCheck(id: string, finish: { score: number; timeMs: number; at: Date } | null): Promise<DrillAttempt> {
  await db().drillAttempt.update({ where: { id }, data: { checkRuns: { increment: 1 } } });
  if (finish) {
    await db().drillAttempt.updateMany({
      where: { id, finishedAt: null },
      data: { passed: true, score: finish.score, timeMs: finish.timeMs, finishedAt: finish.at },
    });
  }
  return db().drillAttempt.findUniqueOrThrow({ where: { id } });
}

/** Gives up a running attempt: score 0, and the reference fix may be shown. */
export async function giveUpDrillAttempt(id: string, at = new Date()): Promise<DrillAttempt> {
  await db().drillAttempt.updateMany({ where: { id, finishedAt: null }, data: { gaveUp: true, finishedAt: at } });
  return db().drillAttempt.findUniqueOrThrow({ where: { id } });
}

export interface LeaderboardRow {
  learnerId: string;
  displayName: string;
  drillId: string;
  /** The learner's best score at the drill. */
  score: number;
  /** The learner's fastest passing time at the drill. */
  timeMs: number;
}

/**
 * Best score per learner per drill over passing attempts, highest first (then fastest). With a workshop
 * id, only attempts started in that room count; without, every attempt does. With drill ids, only those drills.
 */
export async function drillLeaderboard(filter: { drillId?: string; drillIds?: string[]; workshopId?: string }, limit = 50): Promise<LeaderboardRow[]> {
  const drillId = filter.drillId ?? (filter.drillIds ? { in: filter.drillIds } : undefined);
  const groups = await db().drillAttempt.groupBy({
    by: ["learnerId", "drillId"],
    where: { passed: true, ...(drillId ? { drillId } : {}), ...(filter.workshopId ? { workshopId: filter.workshopId } : {}) },
    _max: { score: true },
    _min: { timeMs: true },
  });
  const learners = await db().learner.findMany({ where: { id: { in: [...new Set(groups.map((g) => g.learnerId))] } }, select: { id: true, displayName: true } });
  const names = new Map(learners.map((l) => [l.id, l.displayName]));
  return groups
    .map((g) => ({ learnerId: g.learnerId, displayName: names.get(g.learnerId) ?? "?", drillId: g.drillId, score: g._max.score ?? 0, timeMs: g._min.timeMs ?? 0 }))
    .sort((a, b) => b.score - a.score || a.timeMs - b.timeMs || a.displayName.localeCompare(b.displayName))
    .slice(0, limit);
}

/** Whether the room of WORKSHOPID sees the drill leaderboard (hidden until the instructor shows it). */
export async function isDrillBoardVisible(workshopId: string): Promise<boolean> {
  return (await db().workshopDrillBoard.findUnique({ where: { workshopId } }))?.visible ?? false;
}

export async function setDrillBoardVisible(workshopId: string, visible: boolean, at = new Date()): Promise<void> {
  await db().workshopDrillBoard.upsert({ where: { workshopId }, create: { workshopId, visible, updatedAt: at }, update: { visible, updatedAt: at } });
}

/** Each drill the learner passed, with their best score: for the catalog. */
export async function bestDrillScores(learnerId: string): Promise<Map<string, number>> {
  const groups = await db().drillAttempt.groupBy({ by: ["drillId"], where: { learnerId, passed: true }, _max: { score: true } });
  return new Map(groups.map((g) => [g.drillId, g._max.score ?? 0]));
}
