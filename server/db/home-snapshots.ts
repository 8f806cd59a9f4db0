import "server-only";
import { db } from "./client";

/** Which learner has a kept home, where its archive is and what became of it (server/sandbox/home-snapshots.ts). */
export type HomeSnapshotState = "kept" | "files" | "refused" | "failed";

export interface HomeSnapshotRecord {
  learnerId: string;
  /** Archive file name inside the snapshot directory ("" when nothing was written). */
  file: string;
  kilobytes: number;
  state: HomeSnapshotState;
  /** What the learner is told about it (why something was not kept). */
  note: string;
  createdAt: Date;
}

export async function findHomeSnapshot(learnerId: string): Promise<HomeSnapshotRecord | null> {
  return (await db().homeSnapshot.findUnique({ where: { learnerId } })) as HomeSnapshotRecord | null;
}

export async function saveHomeSnapshot(record: HomeSnapshotRecord): Promise<void> {
  const { learnerId, ...rest } = record;
  await db().homeSnapshot.upsert({ where: { learnerId }, create: record, update: rest });
}

export async function markHomeSnapshotFailed(learnerId: string, note: string): Promise<void> {
  await db().homeSnapshot.updateMany({ where: { learnerId }, data: { state: "failed", note } });
}

export async function deleteHomeSnapshot(learnerId: string): Promise<void> {
  await db().homeSnapshot.deleteMany({ where: { learnerId } });
}

export async function listHomeSnapshots(): Promise<HomeSnapshotRecord[]> {
  return (await db().homeSnapshot.findMany()) as HomeSnapshotRecord[];
}

/** Records made before `before` (past the retention period), oldest first. */
export async function homeSnapshotsBefore(before: Date): Promise<HomeSnapshotRecord[]> {
  return (await db().homeSnapshot.findMany({ where: { createdAt: { lt: before } }, orderBy: { createdAt: "asc" } })) as HomeSnapshotRecord[];
}
