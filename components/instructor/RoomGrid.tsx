"use client";

import { useState } from "react";
import { chapterColumns, chapterSummary, isFolded, type ChapterColumns } from "@/lib/workshop/room-columns";
import { describeStuck, type RoomCell, type RoomRow, type RoomStep } from "@/lib/workshop/room";
import styles from "./RoomView.module.css";

const CELL_MARK = { passed: "✓", failing: "✗", "not-started": "·" } as const;

/** "just now", "4 min ago", "2 h ago": how long since a learner last did something. */
export function ago(now: number, at: number): string {
  const minutes = Math.floor(Math.max(0, now - at) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ago`;
}

interface RoomGridProps {
  steps: RoomStep[];
  rows: RoomRow[];
  now: number;
  selected: string | null;
  /** Learners of the group picked in the groups panel; others are dimmed. */
  highlight: Set<string> | null;
  onSelect(learnerId: string): void;
}

/** `first`: the first column of a chapter, when columns are grouped (a rule separates the chapters). */
function StepCell({ cell, first }: { cell: RoomCell; first: boolean }) {
  return (
    <td className={styles.cellCol} data-chapter-start={first || undefined}>
      <span
        className={styles.cell}
        data-status={cell.status}
        data-step={cell.step.label}
        title={`Step ${cell.step.label}: ${cell.step.title}\n${cell.detail}${cell.hintsOpened ? `\n${cell.hintsOpened} hint(s) opened` : ""}${cell.solutionRevealed ? "\nSolution revealed" : ""}`}
        // A named image: a label on a plain span is not read, only the ✓/✗/· mark would be.
        role="img"
        aria-label={`step ${cell.step.label} ${cell.status}`}
      >
        {CELL_MARK[cell.status]}
      </span>
    </td>
  );
}

/** A folded chapter in one learner's row: "2/3", coloured as a step cell would be. */
function ChapterCell({ row, group }: { row: RoomRow; group: ChapterColumns }) {
  const summary = chapterSummary(row, group);
  return (
    <td className={styles.cellCol} data-chapter-start>
      <span
        className={`${styles.cell} ${styles.chapterCell}`}
        data-status={summary.status}
        data-chapter={group.number}
        title={`Chapter ${group.number}: ${group.title}\n${summary.passed} of ${summary.total} steps passed`}
        role="img"
        aria-label={`chapter ${group.number}: ${summary.passed} of ${summary.total} steps passed${summary.status === "failing" ? ", failing a step" : ""}`}
      >
        {summary.passed}/{summary.total}
      </span>
    </td>
  );
}

/**
 * Learners × steps: one compact row per learner, so a room of 50+ fits a laptop screen with a scroll. Across
 * several chapters the columns are grouped by chapter under a header that folds the chapter into one column; a
 * chapter the whole room has finished starts folded (room-columns.ts).
 */
export function RoomGrid({ steps, rows, now, selected, highlight, onSelect }: RoomGridProps) {
  const [chosen, setChosen] = useState<Record<string, "open" | "folded">>({});
  if (rows.length === 0) return <p className={styles.empty}>Nobody has joined yet. Share the join code.</p>;
  const groups = chapterColumns(steps, rows);
  const grouped = groups.length > 1;
  const folded = new Set(groups.filter((g) => grouped && isFolded(g, chosen)).map((g) => g.chapterId));
  const toggle = (g: ChapterColumns) => setChosen({ ...chosen, [g.chapterId]: folded.has(g.chapterId) ? "open" : "folded" });
  return (
    <table className={styles.grid} aria-label="Learners and steps" data-grouped={grouped}>
      <thead>
        {grouped && (
          <tr className={styles.chapterRow}>
            <th className={styles.nameCol} scope="col" rowSpan={2}>
              Learner
            </th>
            {groups.map((g) => (
              <th key={g.chapterId} scope="colgroup" colSpan={folded.has(g.chapterId) ? 1 : g.indexes.length} className={styles.chapterHead} data-finished={g.finishedByAll}>
                <button
                  type="button"
                  className={styles.chapterToggle}
                  aria-expanded={!folded.has(g.chapterId)}
                  title={`${g.title}${g.finishedByAll ? " (everyone finished it)" : ""}: ${folded.has(g.chapterId) ? "show its steps" : "fold into one column"}`}
                  onClick={() => toggle(g)}
                >
                  <span aria-hidden="true">{folded.has(g.chapterId) ? "▸" : "▾"}</span> {g.number}. {g.title}
                  {g.finishedByAll && <span className={styles.chapterDone}> ✓ all</span>}
                </button>
              </th>
            ))}
            <th scope="col" rowSpan={2} title="Hints opened">
              Hints
            </th>
            <th scope="col" rowSpan={2} title="Solutions revealed">
              Sol.
            </th>
            <th scope="col" rowSpan={2}>
              Last active
            </th>
          </tr>
        )}
        <tr className={grouped ? styles.stepRow : undefined}>
          {!grouped && (
            <th className={styles.nameCol} scope="col">
              Learner
            </th>
          )}
          {groups.flatMap((g) =>
            folded.has(g.chapterId)
              ? [
                  <th key={g.chapterId} className={styles.stepHead} scope="col" title={`${g.title}: steps passed`} data-chapter-start>
                    {g.number}.*
                  </th>,
                ]
              : g.indexes.map((i, n) => (
                  <th
                    key={`${steps[i].chapterId}/${steps[i].stepId}`}
                    className={styles.stepHead}
                    scope="col"
                    title={steps[i].title}
                    data-chapter-start={(grouped && n === 0) || undefined}
                  >
                    {steps[i].label}
                  </th>
                )),
          )}
          {!grouped && (
            <>
              <th scope="col" title="Hints opened">
                Hints
              </th>
              <th scope="col" title="Solutions revealed">
                Sol.
              </th>
              <th scope="col">Last active</th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={row.learnerId}
            data-learner={row.displayName}
            aria-selected={row.learnerId === selected}
            data-dim={highlight !== null && !highlight.has(row.learnerId)}
            onClick={() => onSelect(row.learnerId)}
          >
            <td className={styles.nameCol}>
              <button type="button" className={styles.nameButton} onClick={() => onSelect(row.learnerId)}>
                {row.displayName}
              </button>
              {row.stuck && (
                <span className={styles.stuck} title={describeStuck(row.stuck)}>
                  stuck
                </span>
              )}
              {row.finished && <span className={styles.done}>done</span>}
            </td>
            {groups.flatMap((g) =>
              folded.has(g.chapterId)
                ? [<ChapterCell key={g.chapterId} row={row} group={g} />]
                : g.indexes.map((i, n) => <StepCell key={`${steps[i].chapterId}/${steps[i].stepId}`} cell={row.cells[i]} first={grouped && n === 0} />),
            )}
            <td className={styles.num}>{row.hintsOpened}</td>
            <td className={styles.num}>{row.solutionsRevealed}</td>
            <td className={styles.num}>{ago(now, row.lastActivityAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
