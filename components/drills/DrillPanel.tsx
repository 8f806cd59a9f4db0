"use client";

import { useState } from "react";
import type { AttemptView, DrillCheckAnswer } from "@/lib/drills/drill-api";
import { MAX_SCORE } from "@/lib/drills/score";
import { StepText } from "@/components/lab/StepText";
import { checkFix, giveUp, openHint, startAttempt } from "./drill-client";
import { DrillClock, formatDuration } from "./DrillClock";
import { DrillLeaderboard } from "./DrillLeaderboard";

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
}

/** The drill's side of the page: goal, clock, hints at a cost, "check my fix", give up, score, leaderboard. */
export function DrillPanel({ drill, attempt, onAttempt, onRun }: DrillPanelProps) {
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
  const quit = (a: AttemptView) => act("give-up", async () => onAttempt(await giveUp(drill.id, a.id)));

  const running = attempt !== null && attempt.finishedAt === null;
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

          <section className="checks card" aria-label="Checks" aria-live="polite">
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
            {verdict?.passed && <p className="step-done">Fixed. The image builds and does what it should.</p>}
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
                <button type="button" className="btn-ghost" onClick={() => quit(attempt)} disabled={busy !== null}>
                  Give up and show the fix
                </button>
              </div>
            )}
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
