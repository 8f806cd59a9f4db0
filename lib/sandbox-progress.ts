/**
 * A sandbox start in the learner's words, as both the terminal (status messages) and a chapter's start stream
 * show it: one sentence and where the progress bar stands for each phase, so the two bars on one page agree.
 */

/** "queued": the lab is full and the learner waits in line for a place. */
export type SandboxPhase = "queued" | "starting sandbox" | "starting Docker" | "restoring your work" | "ready";

/** Each phase's sentence and where the bar stands when it begins. */
const PHASE_TEXT: Record<Exclude<SandboxPhase, "queued">, { message: string; percent: number }> = {
  "starting sandbox": { message: "Starting your sandbox…", percent: 10 },
  "starting Docker": { message: "Starting Docker inside your sandbox…", percent: 45 },
  "restoring your work": { message: "Restoring your files and images from your last visit…", percent: 55 },
  ready: { message: "Your sandbox is ready.", percent: 88 },
};

function queueMessage(position: number): string {
  return `The lab is full: you are number ${position} in line. Your sandbox starts by itself as soon as a place frees up; keep this page open.`;
}

/**
 * The sentence and bar for a progress report from the sandbox manager. `position` is the place in line ("queued");
 * `note` says what of the learner's kept home could not be kept ("restoring your work").
 */
export function describeSandboxProgress(progress: { phase: SandboxPhase; position?: number; note?: string }): { message: string; percent: number } {
  if (progress.phase === "queued") return { message: queueMessage(progress.position ?? 1), percent: 0 };
  const text = PHASE_TEXT[progress.phase];
  return { message: progress.note ? `${text.message.replace(/…$/, "")}: ${progress.note}…` : text.message, percent: text.percent };
}
