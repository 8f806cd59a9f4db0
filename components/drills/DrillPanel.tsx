"use client";

import { useEffect, useRef, useState, type RefObject } from "react";
import type { AttemptView, DrillCheckAnswer } from "@/lib/drills/drill-api";
import { MAX_SCORE } from "@/lib/drills/score";
import { StepText } from "@/components/lab/StepText";
import type { VerdictSummary } from "@/components/lab/VerdictStatus";
import { checkFix, giveUp, openHint, startAttempt } from "./drill-client";
import { DrillClock, formatDuration } from "./DrillClock";
import { DrillLeaderboard } from "./DrillLeaderboard";
import styles from "./DrillPanel.module.css";

export interface DrillSummaryView {
  id: string;
  title: string;
  summary: string;
  failure: string;
  parMinutes: number;
  hintCostSeconds: number;
}

interface DrillPanelProps {
  drill: DrillSummaryView;
  attempt: AttemptView | null;
  onAttempt: (attempt: AttemptView) => void;
  onRun: (command: string) => void;
  /** The latest verdict on the fix, for the compact status beside the terminal (null before an attempt). */
  onStatus: (summary: VerdictSummary | null) => void;
  /** The checks panel, for the compact status to bring into view. */
  checksRef: RefObject<HTMLElement | null>;
}

/** The drill's side of the page: goal, clock, hints at a cost, "check my fix", give up, score, leaderboard. */
export function DrillPanel({ drill, attempt, onAttempt, onRun, onStatus, checksRef }: DrillPanelProps) {
  const [busy, setBusy] = useState<null | "start" | "check" | "hint" | "give-up">(null);
  const [error, setError] = useState<string | null>(null);
  const [verdict, setVerdict] = useState<DrillCheckAnswer | null>(null);
  const [boardRefresh, setBoardRefresh] = useState(0);

  async function act(kind: NonNullable<typeof busy>, run: () => Promise<void>) {
    setBusy(kind);
    setError(null);
    try {
      await run();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  }
  const start = () =>
    act("start", async () => {
      setVerdict(null);
      onAttempt(await startAttempt(drill.id));
    });
  const check = (a: AttemptView) =>
    act("check", async () => {
      const answer = await checkFix(drill.id, a.id);
      setVerdict(answer);
      onAttempt(answer.attempt);
      if (answer.attempt.passed) setBoardRefresh((n) => n + 1);
    });
  const hint = (a: AttemptView) => act("hint", async () => onAttempt(await openHint(drill.id, a.id)));
  const quit = (a: AttemptView) =>
    act("give-up", async () => {
      onAttempt(await giveUp(drill.id, a.id));
      // A verdict from before giving up would read as this attempt's result.
      setVerdict(null);
    });
  const confirmGiveUp = useRef<HTMLDialogElement>(null);

  const running = attempt !== null && attempt.finishedAt === null;
  const gaveUp = attempt?.gaveUp ?? false;
  const hasAttempt = attempt !== null;
  useEffect(() => {
    onStatus(
      hasAttempt
        ? {
            label: gaveUp ? "Given up; your project" : "Your fix",
            checking: busy === "check",
            passedBefore: false,
            verdict: verdict ? { passed: verdict.passed, checks: verdict.checks } : null,
            untilChecked: "Ask the lab to check it when you think it works.",
          }
        : null,
    );
  }, [onStatus, hasAttempt, gaveUp, busy, verdict]);
  return (
    <div className="steps drill-panel">
      <p className="muted drill-failure">Drill · {drill.failure}</p>
      <h1>{drill.title}</h1>
      <p className="lede" style={{ marginBottom: 12 }}>
        {drill.summary}
      </p>

      {attempt === null ? (
        <div className="card">
          <p>
            You get a small project that does not work, and a clock. Fix it in the editor and terminal, then ask the lab to
            build and run it. Par is {drill.parMinutes} min; each hint adds {drill.hintCostSeconds} s to your time.
          </p>
          <button type="button" className="btn" onClick={start} disabled={busy !== null}>
            {busy === "start" ? "Preparing your project…" : "Start the drill"}
          </button>
        </div>
      ) : (
        <>
          <div className="drill-status card">
            <DrillClock startedAt={attempt.startedAt} stoppedAt={attempt.finishedAt} penaltyMs={attempt.hints.length * attempt.hintCostSeconds * 1000} />
            {attempt.passed && (
              <span className="drill-score" data-testid="drill-score">
                Fixed in {formatDuration(attempt.timeMs ?? 0)} · score {attempt.score} / {MAX_SCORE}
              </span>
            )}
            {attempt.gaveUp && <span className="muted">Given up: no score.</span>}
            {!running && (
              <button type="button" className="btn-ghost" onClick={start} disabled={busy !== null}>
                {busy === "start" ? "Preparing…" : "Try again (new variant)"}
              </button>
            )}
          </div>

          <section aria-label="Goal">
            <h2 className="drill-heading">Goal</h2>
            <StepText markdown={attempt.goal} onRun={onRun} />
            <p className="muted">
              Project folder: <code>{attempt.workdir.replace(/^\/home\/learner/, "~")}</code>
            </p>
          </section>

          <section ref={checksRef} className="checks card" aria-label="Checks" aria-live="polite" tabIndex={-1}>
            <div className="checks-head">
              <strong>Your fix</strong>
              <span className="muted">{busy === "check" ? "building and running your project…" : "the lab builds your project and runs it"}</span>
              <button type="button" className="btn btn-small" onClick={() => check(attempt)} disabled={busy !== null}>
                Check my fix
              </button>
            </div>
            {verdict && (
              <ul className="check-list">
                {verdict.checks.map((c) => (
                  <li key={c.id} className={`check ${c.status}`} data-check-id={c.id} data-status={c.status}>
                    <span className="check-icon" aria-hidden="true">
                      {c.status === "passed" ? "✓" : c.status === "failed" ? "✗" : "•"}
                    </span>
                    <span>
                      <span className="check-title">{c.title}</span>
                      {c.status === "failed" && <span className="check-message">{c.message}</span>}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {verdict?.passed &&
              (attempt.gaveUp ? (
                // The clock stopped when the learner gave up: a later pass is practice, not a fix of this attempt.
                <p className="muted" data-testid="drill-after-give-up">
                  The image builds and does what it should now. You gave up on this attempt, so it has no score: try again for
                  a new variant.
                </p>
              ) : (
                <p className="step-done">Fixed. The image builds and does what it should.</p>
              ))}
          </section>

          <section className="help" aria-label="Help">
            {attempt.hints.map((text, i) => (
              <div key={i} className="hint card">
                <strong>Hint {i + 1}</strong>
                <StepText markdown={text} onRun={onRun} />
              </div>
            ))}
            {running && (
              <div className="form-row">
                {attempt.hints.length < attempt.hintCount && (
                  <button type="button" className="btn-ghost" onClick={() => hint(attempt)} disabled={busy !== null}>
                    Hint {attempt.hints.length + 1} of {attempt.hintCount} (+{attempt.hintCostSeconds} s)
                  </button>
                )}
                <button type="button" className="btn-ghost" onClick={() => confirmGiveUp.current?.showModal()} disabled={busy !== null}>
                  Give up and show the fix
                </button>
              </div>
            )}
            <dialog ref={confirmGiveUp} className={`card ${styles.confirm}`} aria-labelledby="give-up-title" aria-describedby="give-up-what">
              <h2 id="give-up-title" className="drill-heading">
                Give up this attempt?
              </h2>
              <p id="give-up-what">
                The attempt ends now and its clock stops, the reference fix is shown, and this attempt gets no score. You can
                start a new variant afterwards.
              </p>
              <form method="dialog" className="form-row">
                <button type="submit" className="btn" onClick={() => quit(attempt)}>
                  Give up and show the fix
                </button>
                <button type="submit" className="btn-ghost" autoFocus>
                  Keep trying
                </button>
              </form>
            </dialog>
            {attempt.fix && (
              <div className="solution card" aria-label="Reference fix">
                <strong>Reference fix</strong>
                <StepText markdown={attempt.fix.notes} onRun={onRun} />
                {attempt.fix.files.map((f) => (
                  <div key={f.path}>
                    <p className="muted">
                      <code>{f.path}</code>
                    </p>
                    <pre>
                      <code>{f.content}</code>
                    </pre>
                  </div>
                ))}
                {attempt.fix.script && (
                  <>
                    <p className="muted">then, in the project folder:</p>
                    <pre>
                      <code>{attempt.fix.script}</code>
                    </pre>
                  </>
                )}
              </div>
            )}
          </section>
        </>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <DrillLeaderboard drillId={drill.id} refresh={boardRefresh} />
    </div>
  );
}
