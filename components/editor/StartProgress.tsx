"use client";

import type { ExerciseStart } from "./useExerciseStart";

/** What the editor shows while the learner's sandbox gets ready, or why it did not. */
export function StartProgress({ start, onRetry }: { start: Exclude<ExerciseStart, { status: "ready" }>; onRetry: () => void }) {
  if (start.status === "failed") {
    return (
      <div className="lab-editor-start" role="alert">
        <strong>Your sandbox did not start</strong>
        <p>{start.error}</p>
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      </div>
    );
  }
  if (start.queued) {
    // The lab is full: the position is the whole story, and the start goes on by itself when a place frees.
    return (
      <div className="lab-editor-start lab-editor-queued" aria-live="polite" data-testid="lab-full">
        <strong>Waiting for a sandbox</strong>
        <p>{start.message}</p>
      </div>
    );
  }
  return (
    <div className="lab-editor-start" aria-live="polite">
      <strong>Preparing your sandbox</strong>
      <p>{start.message}</p>
      <div className="lab-editor-start-bar" role="progressbar" aria-label="Sandbox start" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(start.percent)}>
        <span style={{ width: `${Math.max(3, start.percent)}%` }} />
      </div>
    </div>
  );
}
