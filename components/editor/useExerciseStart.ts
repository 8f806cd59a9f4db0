"use client";

import { useCallback, useEffect, useState } from "react";
import { startExercise } from "./workspace-client";

export type ExerciseStart =
  | { status: "starting"; message: string; percent: number; queued?: boolean }
  | { status: "ready" }
  | { status: "failed"; error: string };

/**
 * Gets the learner's sandbox ready with the exercise's files in it (a chapter's or a drill's), showing each phase as it happens:
 * the first start of a sandbox takes seconds, and a silent wait looks like a broken page.
 */
export function useExerciseStart(api: string): { start: ExerciseStart; retry: () => void } {
  const [start, setStart] = useState<ExerciseStart>({ status: "starting", message: "Connecting to the lab…", percent: 0 });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    setStart({ status: "starting", message: "Connecting to the lab…", percent: 0 });
    let finished = false;
    startExercise(
      api,
      (event) => {
        if ("phase" in event) setStart({ status: "starting", message: event.message, percent: event.percent, queued: event.phase === "queued" });
        else if ("ready" in event) {
          finished = true;
          setStart({ status: "ready" });
        } else {
          finished = true;
          setStart({ status: "failed", error: event.error });
        }
      },
      abort.signal,
    )
      .then(() => {
        if (!finished) setStart({ status: "failed", error: "The lab server stopped answering while starting your sandbox. Try again." });
      })
      .catch((error: Error) => {
        if (!abort.signal.aborted) setStart({ status: "failed", error: error.message });
      });
    return () => abort.abort();
  }, [api, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { start, retry };
}
