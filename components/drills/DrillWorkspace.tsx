"use client";

import { useCallback, useRef, useState } from "react";
import type { AttemptView } from "@/lib/drills/drill-api";
import { ExerciseEditor } from "@/components/editor/ExerciseEditor";
import { SandboxControls } from "@/components/lab/SandboxControls";
import { SplitPane } from "@/components/lab/SplitPane";
import { Terminal, type TerminalHandle } from "@/components/terminal/Terminal";
import { VerdictStatus, type VerdictSummary } from "@/components/lab/VerdictStatus";
import { drillApi } from "./drill-client";
import { DrillPanel, type DrillSummaryView } from "./DrillPanel";

/** A drill's page: the drill panel beside the project's editor over a terminal, as a chapter's lab page is laid out. */
export function DrillWorkspace({ drill, initialAttempt }: { drill: DrillSummaryView; initialAttempt: AttemptView | null }) {
  const terminal = useRef<TerminalHandle>(null);
  const [attempt, setAttempt] = useState(initialAttempt);
  const runInTerminal = useCallback((command: string) => {
    terminal.current?.type(command + "\r");
    terminal.current?.focus();
  }, []);
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
                <Terminal ref={terminal} />
              </>
            }
          />
        }
      />
    </main>
  );
}
