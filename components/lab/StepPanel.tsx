"use client";

import Link from "next/link";
import { useCallback, useEffect, useState, type RefObject } from "react";
import { StepText } from "./StepText";
import type { VerdictSummary } from "./VerdictStatus";
import { messageOf, notify, sendJson } from "@/components/api-client";
import { ErrorLine } from "@/components/api-action";
import { stepVerdictViewSchema, type StepVerdictView } from "@/lib/learner-events";
import { openedHintsSchema, revealedSolutionSchema } from "@/lib/step-api";
import { useLearnerEvents } from "./useLearnerEvents";
// layers: the layer view under the checks (components/layers)
import { LayerView } from "@/components/layers/LayerView";

export interface CheckView {
  id: string;
  title: string;
}

export interface StepView {
  id: string;
  title: string;
  markdown: string;
  hintCount: number;
  checks: CheckView[];
  hintsOpened: string[];
  solutionMarkdown: string | null;
  lastVerdict: string | null;
}


interface StepPanelProps {
  chapter: { id: string; title: string; summary: string; steps: StepView[] };
  passed: Set<string>;
  onRun: (command: string) => void;
  onStepPassed: (stepId: string) => void;
  /** The step in view and its verdict, for the compact status beside the terminal. */
  onStatus: (summary: VerdictSummary) => void;
  /** The checks panel, for the compact status to bring into view. */
  checksRef: RefObject<HTMLElement | null>;
}

/** The chapter's steps: text, live check verdicts, hints one at a time, and the solution on request. */
export function StepPanel({ chapter, passed, onRun, onStepPassed, onStatus, checksRef }: StepPanelProps) {
  const firstOpen = chapter.steps.findIndex((s) => !passed.has(s.id));
  const [current, setCurrent] = useState(firstOpen === -1 ? 0 : firstOpen);
  const [verdicts, setVerdicts] = useState<Record<string, StepVerdictView>>({});
  const [hints, setHints] = useState<Record<string, string[]>>(() =>
    Object.fromEntries(chapter.steps.map((s) => [s.id, s.hintsOpened])),
  );
  const [solutions, setSolutions] = useState<Record<string, string | null>>(() =>
    Object.fromEntries(chapter.steps.map((s) => [s.id, s.solutionMarkdown])),
  );
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // layers: bumped by each verdict for this step, so the layer view re-reads the image after a build.
  const [layersRefresh, setLayersRefresh] = useState(0);
  const step = chapter.steps[current];
  const base = `/api/chapters/${encodeURIComponent(chapter.id)}/steps/${encodeURIComponent(step.id)}`;

  const applyVerdict = useCallback(
    (stepId: string, verdict: StepVerdictView) => {
      setVerdicts((prev) => ({ ...prev, [stepId]: verdict }));
      if (verdict.passed) onStepPassed(stepId);
    },
    [onStepPassed],
  );

  useLearnerEvents(
    useCallback(
      (event) => {
        if (event.type === "verdict" && event.chapterId === chapter.id) applyVerdict(event.stepId, event.verdict);
        if (event.type === "checking" && event.chapterId === chapter.id && event.stepId === step.id) setChecking(true);
        if (event.type === "verdict" && event.chapterId === chapter.id && event.stepId === step.id) setChecking(false);
        if (event.type === "verdict" && event.chapterId === chapter.id && event.stepId === step.id) setLayersRefresh((n) => n + 1); // layers
      },
      [applyVerdict, chapter.id, step.id],
    ),
  );

  useEffect(() => {
    setError(null);
    // Prompts and saves re-check the step the learner is looking at.
    notify(`${base}/focus`);
  }, [base]);

  async function checkNow() {
    setChecking(true);
    setError(null);
    try {
      applyVerdict(step.id, await sendJson(`${base}/check`, {}, stepVerdictViewSchema));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setChecking(false);
    }
  }
  /** Asks for the step's next hint or its solution; a refusal shows under the checks. */
  async function reveal(call: () => Promise<void>) {
    try {
      await call();
    } catch (e) {
      setError(messageOf(e));
    }
  }
  const openHint = () =>
    reveal(async () => {
      const { hints } = await sendJson(`${base}/hint`, {}, openedHintsSchema);
      setHints((prev) => ({ ...prev, [step.id]: hints }));
    });
  const revealSolution = () =>
    reveal(async () => {
      const { solutionMarkdown } = await sendJson(`${base}/solution`, {}, revealedSolutionSchema);
      setSolutions((prev) => ({ ...prev, [step.id]: solutionMarkdown }));
    });

  const verdict = verdicts[step.id];
  const passedBefore = passed.has(step.id);
  useEffect(() => {
    onStatus({
      label: `Step ${current + 1}`,
      checking,
      passedBefore,
      verdict: verdict ?? null,
      untilChecked: "Checks run when your shell returns to a prompt or you save a file.",
    });
  }, [onStatus, current, checking, passedBefore, verdict]);
  const openedHints = hints[step.id] ?? [];
  const solution = solutions[step.id];

  return (
    <div className="steps">
      <h1>{chapter.title}</h1>
      <p className="lede" style={{ marginBottom: 0 }}>
        {chapter.summary}
      </p>
      <ol className="step-nav" aria-label="Steps">
        {chapter.steps.map((s, i) => (
          <li key={s.id}>
            <button
              type="button"
              className={passed.has(s.id) ? "passed" : ""}
              aria-current={i === current ? "step" : undefined}
              onClick={() => setCurrent(i)}
            >
              {i + 1}. {s.title}
            </button>
          </li>
        ))}
      </ol>
      <section aria-label={`Step ${current + 1}: ${step.title}`}>
        <p className="muted step-count">
          Step {current + 1} of {chapter.steps.length}
        </p>
        <StepText markdown={step.markdown} onRun={onRun} />
      </section>

      <section ref={checksRef} className="checks card" aria-label="Checks" aria-live="polite" tabIndex={-1}>
        <div className="checks-head">
          <strong>Checks</strong>
          <span className="muted">{checking ? "checking…" : "re-run when your shell returns to a prompt or you save a file"}</span>
          <button type="button" className="btn btn-small" onClick={checkNow} disabled={checking}>
            Check now
          </button>
        </div>
        <ul className="check-list">
          {step.checks.map((check) => {
            const result = verdict?.checks.find((c) => c.id === check.id);
            const status = result?.status ?? "pending";
            return (
              <li key={check.id} className={`check ${status}`} data-check-id={check.id} data-status={status}>
                <span className="check-icon" aria-hidden="true">
                  {status === "passed" ? "✓" : status === "failed" ? "✗" : "•"}
                </span>
                <span>
                  <span className="check-title">{check.title}</span>
                  {result && result.status === "failed" && <span className="check-message">{result.message}</span>}
                </span>
              </li>
            );
          })}
        </ul>
        {verdict?.passed && <p className="step-done">Step complete.</p>}
        {current === chapter.steps.length - 1 && chapter.steps.every((s) => passed.has(s.id)) && (
          <p className="chapter-done" role="status">
            Chapter complete: every step passed. <Link href="/">Back to the chapters</Link>
          </p>
        )}
        <ErrorLine error={error} />
      </section>

      {/* layers */}
      <LayerView chapterId={chapter.id} stepId={step.id} refresh={layersRefresh} />

      <section className="help" aria-label="Help">
        {openedHints.map((hint, i) => (
          <div key={i} className="hint card">
            <strong>Hint {i + 1}</strong>
            <StepText markdown={hint} onRun={onRun} />
          </div>
        ))}
        <div className="form-row">
          {openedHints.length < step.hintCount && (
            <button type="button" className="btn-ghost" onClick={openHint}>
              Show hint {openedHints.length + 1} of {step.hintCount}
            </button>
          )}
          {!solution && (
            <button type="button" className="btn-ghost" onClick={revealSolution}>
              Reveal the solution
            </button>
          )}
          {current < chapter.steps.length - 1 && (
            <button type="button" className="btn-ghost" onClick={() => setCurrent(current + 1)}>
              Next step →
            </button>
          )}
        </div>
        {solution && (
          <div className="solution card">
            <strong>Solution</strong>
            <StepText markdown={solution} onRun={onRun} />
          </div>
        )}
      </section>
    </div>
  );
}
