"use client";

import type { StepVerdictView } from "@/lib/learner-events";
import styles from "./VerdictStatus.module.css";

/** What the compact status needs: the step in view and what is known of its verdict. */
export interface VerdictSummary {
  /** "Step 2", or "Your fix" in a drill. */
  label: string;
  checking: boolean;
  /** Passed before this page's latest verdict (a step done in an earlier visit). */
  passedBefore: boolean;
  verdict: StepVerdictView | null;
  /** What to say before any verdict: when checks will run. */
  untilChecked: string;
}

function describe(summary: VerdictSummary): { tone: "passed" | "failed" | "pending"; icon: string; text: string } {
  const { label, checking, verdict, passedBefore, untilChecked } = summary;
  if (checking) return { tone: "pending", icon: "…", text: `${label}: checking…` };
  if (verdict?.passed || (!verdict && passedBefore)) return { tone: "passed", icon: "✓", text: `${label} passed: every check holds.` };
  if (verdict) {
    const failed = verdict.checks.filter((c) => c.status === "failed");
    const first = failed[0];
    const more = failed.length > 1 ? ` (+${failed.length - 1} more)` : "";
    return { tone: "failed", icon: "✗", text: first ? `${label} failed: ${first.title}: ${first.message}${more}` : `${label} failed.` };
  }
  return { tone: "pending", icon: "•", text: `${label}: not checked yet. ${untilChecked}` };
}

/**
 * The verdict where the learner is looking: one line in the terminal's title bar saying passed or failed and why
 * (the first failing check's message). The full checks panel sits in the instructions column, often below the
 * fold; this line is a button that brings it into view.
 */
export function VerdictStatus({ summary, onShowChecks }: { summary: VerdictSummary; onShowChecks: () => void }) {
  const { tone, icon, text } = describe(summary);
  return (
    <button
      type="button"
      className={styles.status}
      data-testid="verdict-status"
      data-tone={tone}
      title={`${text}\nShow the checks`}
      aria-label={`${text} Show the checks.`}
      onClick={onShowChecks}
    >
      <span className={styles.icon} aria-hidden="true">
        {icon}
      </span>
      <span className={styles.text}>{text}</span>
      <span className={styles.more} aria-hidden="true">
        Show checks
      </span>
    </button>
  );
}
