"use client";

import { useEffect, useRef, useState } from "react";
import type { AttemptView } from "@/lib/drills/drill-api";
import { ExerciseEditor } from "@/components/editor/ExerciseEditor";
import { enterExerciseFolder } from "@/components/lab/exercise-folder-client";
import { ExerciseLayout, useExerciseTerminal } from "@/components/lab/ExerciseLayout";
import { drillApi } from "./drill-client";
import { DrillPanel, type DrillSummaryView } from "./DrillPanel";

/** A drill's page: the drill panel beside the project's editor over a terminal, as a chapter's lab page is laid out. */
export function DrillWorkspace({ drill, initialAttempt }: { drill: DrillSummaryView; initialAttempt: AttemptView | null }) {
  const [attempt, setAttempt] = useState(initialAttempt);
  const { terminal, runInTerminal, status, setStatus, checksRef } = useExerciseTerminal(attempt?.workdir);
  // A drill started (or started again) on this page has its folder only now: the shell moves there, and what is in
  // its way is looked at again.
  const [stageKey, setStageKey] = useState(0);
  const attemptId = attempt?.id;
  const started = useRef(attemptId);
  useEffect(() => {
    if (attemptId && attemptId !== started.current) {
      enterExerciseFolder({ drillId: drill.id });
      setStageKey((k) => k + 1);
    }
    started.current = attemptId;
  }, [attemptId, drill.id]);

  return (
    <ExerciseLayout
      panelLabel="Resize drill and workspace"
      panel={<DrillPanel drill={drill} attempt={attempt} onAttempt={setAttempt} onRun={runInTerminal} onStatus={setStatus} checksRef={checksRef} />}
      editor={
        attempt ? (
          // A new attempt is a new project (other names, other files): new tabs, never the last attempt's models.
          <ExerciseEditor key={attempt.id} exerciseId={`drill-${drill.id}`} api={drillApi(drill.id)} workdir={attempt.workdir} files={attempt.files} />
        ) : (
          <div className="lab-editor-start">Start the drill to get its project here.</div>
        )
      }
      exercise={{ drillId: drill.id }}
      hasFolder={attempt !== null}
      stageKey={stageKey}
      controls={attempt ? { drillId: drill.id } : null}
      terminal={terminal}
      status={status}
      checksRef={checksRef}
    />
  );
}
