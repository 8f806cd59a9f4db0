"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { messageOf, send as sendToLab } from "@/components/api-client";
import type { ExerciseRef } from "@/lib/sandbox-api";
import { describeSandboxEvent, type SandboxNotice as Notice } from "@/lib/sandbox-notice";
import styles from "./SandboxControls.module.css";
import { useLearnerEvents } from "./useLearnerEvents";

/** How long a "done" notice stays; one that says something went wrong stays until dismissed. */
const DONE_NOTICE_MS = 20_000;

/**
 * The learner's own way out of a sandbox that misbehaves, on every chapter and drill page: "Restart my sandbox"
 * (the same sandbox started again, nothing of theirs lost) and "Start over" (a fresh sandbox, after a confirmation
 * that says exactly what is lost). Below the buttons: what is happening to the sandbox and who did it, also when
 * their instructor did it from the room.
 */
export function SandboxControls({ exercise }: { exercise: ExerciseRef | null }) {
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const confirm = useRef<HTMLDialogElement>(null);
  const hideTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const show = useCallback((next: Notice | null) => {
    clearTimeout(hideTimer.current);
    setNotice(next);
    if (next?.tone === "ok") hideTimer.current = setTimeout(() => setNotice(null), DONE_NOTICE_MS);
  }, []);
  useEffect(() => () => clearTimeout(hideTimer.current), []);

  // What was under way, so that a failure says what failed.
  const underWay = useRef<"restarting" | "replacing">("restarting");
  useLearnerEvents((event) => {
    if (event.type !== "sandbox") return;
    if (event.change === "restarting" || event.change === "replacing") underWay.current = event.change;
    setBusy(event.change === "restarting" || event.change === "replacing");
    show(describeSandboxEvent(event, underWay.current));
  });

  async function send(url: string, body: ExerciseRef | Record<string, never>, pending: Notice) {
    setBusy(true);
    show(pending);
    try {
      // Success is told by the event stream (to every open tab); a refusal (too many, no sandbox) only here.
      await sendToLab(url, body);
    } catch (error) {
      show({ tone: "bad", text: messageOf(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className={styles.controls}>
      <button
        type="button"
        className="btn-ghost btn-small"
        disabled={busy}
        title="Stops your sandbox and starts it again, with Docker. Your files, images and build cache are kept; running programs and containers stop."
        onClick={() => void send("/api/sandbox/restart", {}, { tone: "busy", text: "Restarting your sandbox… Your files, images and build cache are kept." })}
      >
        Restart my sandbox
      </button>
      {exercise && (
        <button type="button" className="btn-ghost btn-small" disabled={busy} title="A fresh sandbox with this exercise's starting files (asks first)" onClick={() => confirm.current?.showModal()}>
          Start over
        </button>
      )}
      {notice && (
        <div className={styles.notice} data-tone={notice.tone} role={notice.tone === "bad" ? "alert" : "status"} data-testid="sandbox-notice">
          <p>{notice.text}</p>
          {notice.tone !== "busy" && (
            <button type="button" className={styles.dismiss} aria-label="Dismiss" onClick={() => show(null)}>
              ×
            </button>
          )}
        </div>
      )}
      {exercise && (
        <dialog ref={confirm} className={`card ${styles.confirm}`} aria-labelledby="start-over-title" aria-describedby="start-over-what">
          <h2 id="start-over-title">Start over with a fresh sandbox?</h2>
          <div id="start-over-what">
            <p>Your sandbox is thrown away and a new one takes its place. You lose, for good:</p>
            <ul>
              <li>every file in your sandbox (this exercise&apos;s files go back to how they started),</li>
              <li>the images you built,</li>
              <li>Docker&apos;s build cache,</li>
              <li>containers that are running, and whatever runs in your terminal.</li>
            </ul>
            <p>Your progress (steps passed, hints, drill scores) is kept.</p>
          </div>
          <form method="dialog" className="form-row">
            <button type="submit" className={`btn ${styles.danger}`} onClick={() => void send("/api/sandbox/start-over", exercise, { tone: "busy", text: "Starting over with a fresh sandbox…" })}>
              Start over
            </button>
            <button type="submit" className="btn-ghost" autoFocus>
              Cancel
            </button>
          </form>
        </dialog>
      )}
    </div>
  );
}
