"use client";

import { useCallback, useRef, useState, type ReactNode, type RefObject } from "react";
import { Terminal, type TerminalHandle } from "@/components/terminal/Terminal";
import type { ExerciseRef } from "@/lib/sandbox-api";
import { inExerciseFolder } from "@/lib/step-commands";
import { CleanStage } from "./CleanStage";
import { enterExerciseFolder, shellInFront } from "./exercise-folder-client";
import { SandboxControls } from "./SandboxControls";
import { SplitPane } from "./SplitPane";
import { VerdictStatus, type VerdictSummary } from "./VerdictStatus";


/**
 * What an exercise page's panel and terminal share: ▶ Run typing into the terminal (in the exercise's folder when the
 * learner's shell is in front), the verdict shown in the terminal's bar, and the checks it scrolls to. `workdir`
 * is undefined while the exercise has no folder yet (a drill not started).
 */
export function useExerciseTerminal(workdir: string | undefined) {
  const terminal = useRef<TerminalHandle>(null);
  const runInTerminal = useCallback(
    async (command: string) => {
      // Typed visibly, wherever the shell was before (issue 11). Into a program the step opened (a container's
      // shell), the command goes as printed.
      const inShell = await shellInFront();
      terminal.current?.type((workdir && inShell ? inExerciseFolder(workdir, command) : command) + "\r");
      terminal.current?.focus();
    },
    [workdir],
  );
  const [status, setStatus] = useState<VerdictSummary | null>(null);
  const checksRef = useRef<HTMLElement>(null);
  return { terminal, runInTerminal, status, setStatus, checksRef };
}

/**
 * The layout of a chapter's and a drill's page: the panel beside the editor over the terminal. Each time the terminal
 * connects, the shell moves to the exercise's folder (when it has one, said on screen) and what other exercises left
 * running in its way is looked at again; `stageKey` changing looks again too.
 */
export function ExerciseLayout({
  panelLabel,
  panel,
  editor,
  exercise,
  hasFolder,
  stageKey = 0,
  controls,
  terminal,
  status,
  checksRef,
}: {
  panelLabel: string;
  panel: ReactNode;
  editor: ReactNode;
  exercise: ExerciseRef;
  hasFolder: boolean;
  stageKey?: number;
  /** What Start over starts over: null hides it (a drill not started has nothing to start over). */
  controls: ExerciseRef | null;
  terminal: RefObject<TerminalHandle | null>;
  status: VerdictSummary | null;
  checksRef: RefObject<HTMLElement | null>;
}) {
  const [connects, setConnects] = useState(0);
  // The terminal's onReady stays the same function while the page lives; it asks for the exercise open now.
  const current = useRef({ exercise, hasFolder });
  current.current = { exercise, hasFolder };
  const onReady = useCallback(() => {
    if (current.current.hasFolder) enterExerciseFolder(current.current.exercise);
    setConnects((n) => n + 1);
  }, []);
  const showChecks = useCallback(() => {
    checksRef.current?.scrollIntoView({ block: "nearest" });
    checksRef.current?.focus({ preventScroll: true });
  }, [checksRef]);

  return (
    <main className="lab">
      <SplitPane
        direction="horizontal"
        initial={36}
        label={panelLabel}
        first={panel}
        second={
          <SplitPane
            direction="vertical"
            initial={48}
            label="Resize editor and terminal"
            first={editor}
            second={
              <>
                <div className="pane-title">
                  Terminal
                  {status && <VerdictStatus summary={status} onShowChecks={showChecks} />}
                  <SandboxControls exercise={controls} />
                </div>
                <CleanStage exercise={exercise} refresh={connects + stageKey} />
                <Terminal ref={terminal} onReady={onReady} />
              </>
            }
          />
        }
      />
    </main>
  );
}
