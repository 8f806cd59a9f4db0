import type { RoomCell, RoomRow, RoomStep } from "./room";

/**
 * The room grid's columns grouped by chapter, so a workshop of several chapters stays readable: each chapter is a
 * group of step columns, and a chapter everyone in the room has finished folds into one summary column (the
 * instructor can open or fold any chapter; their choice wins over the default).
 */
export interface ChapterColumns {
  chapterId: string;
  title: string;
  /** 1-based, in the workshop's order (step labels "2.3" start with it). */
  number: number;
  /** Positions of the chapter's steps in the room's steps (and in each row's cells). */
  indexes: number[];
  /** Someone is in the room and every one of them passed every step of the chapter. */
  finishedByAll: boolean;
}

export function chapterColumns(steps: RoomStep[], rows: RoomRow[]): ChapterColumns[] {
  const groups: ChapterColumns[] = [];
  steps.forEach((step, index) => {
    let group = groups.at(-1);
    if (!group || group.chapterId !== step.chapterId) {
      group = { chapterId: step.chapterId, title: step.chapterTitle, number: groups.length + 1, indexes: [], finishedByAll: false };
      groups.push(group);
    }
    group.indexes.push(index);
  });
  for (const group of groups) {
    group.finishedByAll = rows.length > 0 && rows.every((row) => group.indexes.every((i) => row.cells[i]?.status === "passed"));
  }
  return groups;
}

/** Folded unless the instructor opened it: by default a chapter is folded once the whole room finished it. */
export function isFolded(group: ChapterColumns, chosen: Readonly<Record<string, "open" | "folded">>): boolean {
  const choice = chosen[group.chapterId];
  return choice ? choice === "folded" : group.finishedByAll;
}

export interface ChapterSummary {
  passed: number;
  total: number;
  /** passed: every step; failing: failing one of them; else not started (or on the way). */
  status: RoomCell["status"];
}

/** One learner's chapter in a folded column. */
export function chapterSummary(row: RoomRow, group: ChapterColumns): ChapterSummary {
  const cells = group.indexes.map((i) => row.cells[i]).filter((c): c is RoomCell => c !== undefined);
  const passed = cells.filter((c) => c.status === "passed").length;
  const status = passed === group.indexes.length ? "passed" : cells.some((c) => c.status === "failing") ? "failing" : "not-started";
  return { passed, total: group.indexes.length, status };
}
