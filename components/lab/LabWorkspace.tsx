"use client";

import { useCallback, useRef, useState } from "react";
import { ExerciseEditor } from "@/components/editor/ExerciseEditor";
import { Terminal, type TerminalHandle } from "@/components/terminal/Terminal";
import { inExerciseFolder } from "@/lib/step-commands";
import { enterExerciseFolder, shellInFront } from "@/components/lab/exercise-folder-client";
import { SplitPane } from "./SplitPane";
import { StepPanel, type StepView } from "./StepPanel";
import { SandboxControls } from "./SandboxControls";
import { CleanStage } from "./CleanStage";
import { VerdictStatus, type VerdictSummary } from "./VerdictStatus";

export interface ChapterView {
  id: string;
  title: string;
  summary: string;
  workdir: string;
  files: string[];
  steps: StepView[];
}

/** The whole lab page: the chapter's steps beside an editor over a terminal, all into the learner's own sandbox. */
export function LabWorkspace({ chapter, passedSteps }: { chapter: ChapterView; passedSteps: string[] }) {
  const terminal = useRef<TerminalHandle>(null);
  const [passed, setPassed] = useState(() => new Set(passedSteps));
  const runInTerminal = useCallback(async (command: string) => {
    // In the chapter's own folder, typed visibly, wherever the shell was before (issue 11).
    // Into a program the step opened (a container's shell), the command goes as printed.
    const inShell = await shellInFront();
    terminal.current?.type((inShell ? inExerciseFolder(chapter.workdir, command) : command) + "\r");
    terminal.current?.focus();
  }, [chapter.workdir]);
  const onStepPassed = useCallback((stepId: string) => setPassed((prev) => new Set(prev).add(stepId)), []);
  // Each time the terminal connects, the shell moves to the chapter's folder, said on screen.
  // …and what other exercises left running in its way is looked at again.
  const [stageKey, setStageKey] = useState(0);
  const enterFolder = useCallback(() => {
    enterExerciseFolder({ chapterId: chapter.id });
    setStageKey((k) => k + 1);
  }, [chapter.id]);
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
        label="Resize instructions and workspace"
        first={
          <StepPanel chapter={chapter} passed={passed} onRun={runInTerminal} onStepPassed={onStepPassed} onStatus={setStatus} checksRef={checks} />
        }
        second={
          <SplitPane
            direction="vertical"
            initial={48}
            label="Resize editor and terminal"
            first={<ExerciseEditor chapterId={chapter.id} workdir={chapter.workdir} files={chapter.files} />}
            second={
              <>
                <div className="pane-title">
                  Terminal
                  {status && <VerdictStatus summary={status} onShowChecks={showChecks} />}
                  <SandboxControls exercise={{ chapterId: chapter.id }} />
                </div>
                <CleanStage exercise={{ chapterId: chapter.id }} refresh={stageKey} />
                <Terminal ref={terminal} onReady={enterFolder} />
              </>
            }
          />
        }
      />
    </main>
  );
}
