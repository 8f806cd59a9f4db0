"use client";

import { useRef, useState } from "react";
import { describeStuck, type RoomRow } from "@/lib/workshop/room";
import { messageOf, send as sendToLab } from "@/components/api-client";
import { Terminal } from "@/components/terminal/Terminal";
import { ago } from "./RoomGrid";
import styles from "./RoomView.module.css";

interface LearnerPanelProps {
  workshopId: string;
  row: RoomRow;
  stepCount: number;
  now: number;
  /** The panel takes the whole room's width, so a wide terminal is drawn at a readable size. */
  wide: boolean;
  onToggleWide(): void;
  onClose(): void;
}

/** Sends to the lab; the refusal's sentence, or null when done. */
async function post(url: string, body?: unknown): Promise<string | null> {
  return sendToLab(url, body).then(
    () => null,
    (error: unknown) => messageOf(error),
  );
}

/** One learner up close: where they are, their terminal live (read-only), a fresh sandbox, a direct message. */
export function LearnerPanel({ workshopId, row, stepCount, now, wide, onToggleWide, onClose }: LearnerPanelProps) {
  const base = `/api/instructor/workshops/${workshopId}/learners/${row.learnerId}`;
  const [confirming, setConfirming] = useState(false);
  // The button pressed is replaced by the question and back: focus follows, so a keyboard user is not lost.
  const resetButton = useRef<HTMLButtonElement>(null);
  const [resetting, setResetting] = useState(false);
  const [resetNote, setResetNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const [sendNote, setSendNote] = useState<{ ok: boolean; text: string } | null>(null);

  async function reset() {
    setConfirming(false);
    setResetting(true);
    setResetNote(null);
    const error = await post(`${base}/reset`);
    setResetting(false);
    requestAnimationFrame(() => resetButton.current?.focus());
    setResetNote(error ? { ok: false, text: error } : { ok: true, text: `${row.displayName} has a fresh sandbox.` });
  }

  async function send(event: React.FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    setSending(true);
    setSendNote(null);
    const error = await post(`${base}/message`, { text });
    setSending(false);
    if (error) setSendNote({ ok: false, text: error });
    else {
      setSendNote({ ok: true, text: "Sent." });
      setText("");
    }
  }

  return (
    <aside className={wide ? `${styles.panel} ${styles.panelWide}` : styles.panel} aria-label={`Learner ${row.displayName}`}>
      <div className={styles.panelHead}>
        <h2>{row.displayName}</h2>
        <button type="button" className="btn-ghost btn-small" onClick={onToggleWide} aria-pressed={wide}>
          {wide ? "Back to the grid" : "Enlarge"}
        </button>
        <button type="button" className="btn-ghost btn-small" onClick={onClose} aria-label="Close the learner panel">
          ✕
        </button>
      </div>
      <p className={styles.facts}>
        <strong>
          {row.passed}/{stepCount}
        </strong>{" "}
        steps passed · {row.hintsOpened} hints · {row.solutionsRevealed} solutions · active {ago(now, row.lastActivityAt)}
        {row.failing && (
          <>
            <br />
            Failing on step {row.failing.step.label}: <strong>{row.failing.checkTitle}</strong>: {row.failing.message}
          </>
        )}
        {row.stuck && (
          <>
            <br />
            <span className={styles.stuck}>stuck</span> {describeStuck(row.stuck)}
          </>
        )}
      </p>

      <div className={styles.terminal}>
        <Terminal key={row.learnerId} label={`Terminal of ${row.displayName} (read-only)`} watch={{ workshopId, learnerId: row.learnerId }} />
      </div>
      <p className={styles.note}>Read-only: you see what {row.displayName} sees; nothing you type reaches their shell.</p>

      <div className={styles.row}>
        {!confirming ? (
          <button ref={resetButton} type="button" className="btn-ghost" onClick={() => setConfirming(true)} disabled={resetting}>
            {resetting ? "Resetting…" : "Reset sandbox…"}
          </button>
        ) : (
          <>
            <span className={styles.note}>Throw away {row.displayName}&apos;s sandbox and start a fresh one? Progress is kept.</span>
            <button type="button" className={styles.danger} onClick={() => void reset()}>
              Reset
            </button>
            <button
              type="button"
              className="btn-ghost"
              autoFocus
              onClick={() => {
                setConfirming(false);
                requestAnimationFrame(() => resetButton.current?.focus());
              }}
            >
              Cancel
            </button>
          </>
        )}
      </div>
      {resetNote && (
        <p className={resetNote.ok ? styles.note : styles.error} role="status">
          {resetNote.text}
        </p>
      )}

      <form onSubmit={(event) => void send(event)}>
        <label className={styles.note} htmlFor="learner-message">
          Message to {row.displayName} only
        </label>
        <textarea
          id="learner-message"
          className={styles.message}
          value={text}
          maxLength={500}
          onChange={(event) => setText(event.target.value)}
          placeholder="e.g. Look at the layer sizes with docker image history"
        />
        <div className={styles.row}>
          <button type="submit" className="btn btn-small" disabled={sending || !text.trim()}>
            {sending ? "Sending…" : "Send"}
          </button>
          {sendNote && (
            <span className={sendNote.ok ? styles.note : styles.error} role="status">
              {sendNote.text}
            </span>
          )}
        </div>
      </form>
    </aside>
  );
}
