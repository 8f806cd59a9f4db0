"use client";

import { useCallback, useState } from "react";
import { ExerciseEditor } from "@/components/editor/ExerciseEditor";
import { chapterApi } from "@/components/editor/workspace-client";
import { ExerciseLayout, useExerciseTerminal } from "./ExerciseLayout";
import { StepPanel, type StepView } from "./StepPanel";

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
  const [passed, setPassed] = useState(() => new Set(passedSteps));
  const onStepPassed = useCallback((stepId: string) => setPassed((prev) => new Set(prev).add(stepId)), []);
  const { terminal, runInTerminal, status, setStatus, checksRef } = useExerciseTerminal(chapter.workdir);
  const exercise = { chapterId: chapter.id };

  return (
    <ExerciseLayout
      panelLabel="Resize instructions and workspace"
      panel={<StepPanel chapter={chapter} passed={passed} onRun={runInTerminal} onStepPassed={onStepPassed} onStatus={setStatus} checksRef={checksRef} />}
      editor={<ExerciseEditor exerciseId={chapter.id} api={chapterApi(chapter.id)} workdir={chapter.workdir} files={chapter.files} />}
      exercise={exercise}
      hasFolder
      controls={exercise}
      terminal={terminal}
      status={status}
      checksRef={checksRef}
    />
  );
}
