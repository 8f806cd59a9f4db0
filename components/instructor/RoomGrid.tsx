"use client";

import { describeStuck, type RoomRow, type RoomStep } from "@/lib/workshop/room";
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

/** Learners × steps: one compact row per learner, so a room of 50+ fits a laptop screen with a scroll. */
export function RoomGrid({ steps, rows, now, selected, highlight, onSelect }: RoomGridProps) {
  if (rows.length === 0) return <p className={styles.empty}>Nobody has joined yet. Share the join code.</p>;
  return (
    <table className={styles.grid} aria-label="Learners and steps">
      <thead>
        <tr>
          <th className={styles.nameCol} scope="col">
            Learner
          </th>
          {steps.map((step) => (
            <th key={`${step.chapterId}/${step.stepId}`} className={styles.stepHead} scope="col" title={step.title}>
              {step.label}
            </th>
          ))}
          <th scope="col" title="Hints opened">
            Hints
          </th>
          <th scope="col" title="Solutions revealed">
            Sol.
          </th>
          <th scope="col">Last active</th>
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
            {row.cells.map((cell) => (
              <td key={`${cell.step.chapterId}/${cell.step.stepId}`} className={styles.cellCol}>
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
            ))}
            <td className={styles.num}>{row.hintsOpened}</td>
            <td className={styles.num}>{row.solutionsRevealed}</td>
            <td className={styles.num}>{ago(now, row.lastActivityAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
