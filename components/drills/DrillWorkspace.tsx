"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { AttemptView } from "@/lib/drills/drill-api";
import { ExerciseEditor } from "@/components/editor/ExerciseEditor";
import { SandboxControls } from "@/components/lab/SandboxControls";
import { CleanStage } from "@/components/lab/CleanStage";
import { SplitPane } from "@/components/lab/SplitPane";
import { Terminal, type TerminalHandle } from "@/components/terminal/Terminal";
import { inExerciseFolder } from "@/lib/step-commands";
import { enterExerciseFolder, shellInFront } from "@/components/lab/exercise-folder-client";
import { VerdictStatus, type VerdictSummary } from "@/components/lab/VerdictStatus";
import { drillApi } from "./drill-client";
import { DrillPanel, type DrillSummaryView } from "./DrillPanel";

/** A drill's page: the drill panel beside the project's editor over a terminal, as a chapter's lab page is laid out. */
export function DrillWorkspace({ drill, initialAttempt }: { drill: DrillSummaryView; initialAttempt: AttemptView | null }) {
  const terminal = useRef<TerminalHandle>(null);
  const [attempt, setAttempt] = useState(initialAttempt);
  const workdir = attempt?.workdir;
  const runInTerminal = useCallback(async (command: string) => {
    // In the drill's own folder, typed visibly, wherever the shell was before (issue 11).
    // Into a program the step opened (a container's shell), the command goes as printed.
    const inShell = await shellInFront();
    terminal.current?.type((workdir && inShell ? inExerciseFolder(workdir, command) : command) + "\r");
    terminal.current?.focus();
  }, [workdir]);
  // Each time the terminal connects, the shell moves to the drill's folder (once the drill has one), said on screen.
  const hasFolder = workdir !== undefined;
  // …and what other exercises left running in its way is looked at again.
  const [stageKey, setStageKey] = useState(0);
  const enterFolder = useCallback(() => {
    if (hasFolder) enterExerciseFolder({ drillId: drill.id });
    setStageKey((k) => k + 1);
  }, [hasFolder, drill.id]);
  // A drill started (or started again) on this page has its folder only now.
  const attemptId = attempt?.id;
  const started = useRef(attemptId);
  useEffect(() => {
    if (attemptId && attemptId !== started.current) {
      enterExerciseFolder({ drillId: drill.id });
      setStageKey((k) => k + 1);
    }
    started.current = attemptId;
  }, [attemptId, drill.id]);
  const [status, setStatus] = useState<VerdictSummary | null>(null);
  const checks = useRef<HTMLElement>(null);
  const showChecks = useCallback(() => {
    checks.current?.scrollIntoView({ block: "nearest" });
    checks.current?.focus({ preventScroll: true });
  }, []);

  return (
    <main className="lab">
      <SplitPane
        direction="horizontal"
        initial={36}
        label="Resize drill and workspace"
        first={<DrillPanel drill={drill} attempt={attempt} onAttempt={setAttempt} onRun={runInTerminal} onStatus={setStatus} checksRef={checks} />}
        second={
          <SplitPane
            direction="vertical"
            initial={48}
            label="Resize editor and terminal"
            first={
              attempt ? (
                // A new attempt is a new project (other names, other files): new tabs, never the last attempt's models.
                <ExerciseEditor key={attempt.id} chapterId={`drill-${drill.id}`} api={drillApi(drill.id)} workdir={attempt.workdir} files={attempt.files} />
              ) : (
                <div className="lab-editor-start">Start the drill to get its project here.</div>
              )
            }
            second={
              <>
                <div className="pane-title">
                  Terminal
                  {status && <VerdictStatus summary={status} onShowChecks={showChecks} />}
                  <SandboxControls exercise={attempt ? { drillId: drill.id } : null} />
                </div>
                <CleanStage exercise={{ drillId: drill.id }} refresh={stageKey} />
                <Terminal ref={terminal} onReady={enterFolder} />
              </>
            }
          />
        }
      />
    </main>
  );
}
