import "server-only";
import type { Chapter } from "@/lib/content/chapter";
import { describeSandboxProgress } from "@/lib/sandbox-progress";
import type { StartEvent, StartPhase } from "@/lib/workspace/workspace-api";
import { HttpError } from "../http/http-error";
import { ndjsonLine } from "../http/ndjson";
import type { LabRuntime } from "../runtime";
import { LeftQueueError } from "../sandbox/sandbox-manager";
import { placeExerciseFiles } from "../workspace/exercise-workspace";

const TICK_MS = 1000;

/**
 * Gets the learner's sandbox ready and puts the chapter's starting files where none exist yet (learner work
 * is never overwritten). The stream carries NDJSON: progress lines `{phase, message, percent}` while it works (one
 * a second at least, with the seconds waited, so a slow first start never looks like a hung page), then
 * `{ready: true, placed, kept}` or `{error}`.
 */
export function startChapter(
  lab: Pick<LabRuntime, "driver" | "sandboxes">,
  learnerId: string,
  chapter: Chapter,
  request: { address: string; signal: AbortSignal },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const left = new AbortController();
  request.signal.addEventListener("abort", () => left.abort());
  let open = true;

  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: StartEvent) => {
        if (open) controller.enqueue(encoder.encode(ndjsonLine(event)));
      };
      let step: { phase: StartPhase; message: string; percent: number; since: number } = { phase: "sandbox", message: "Finding your sandbox…", percent: 3, since: Date.now() };
      const report = () => {
        const seconds = Math.floor((Date.now() - step.since) / 1000);
        // In line, the position is the news: it changes by itself as places free.
        if (step.phase === "queued") return send({ phase: step.phase, message: step.message, percent: 0 });
        // The bar creeps on within a phase (never past the next phase's start), so a wait still shows motion.
        const percent = Math.max(step.percent, Math.min(step.percent + seconds * 2, step.percent + 30, 90));
        send({ phase: step.phase, message: seconds >= 2 ? `${step.message} (${seconds} s)` : step.message, percent });
      };
      const enter = (next: Omit<typeof step, "since">) => {
        step = { ...next, since: Date.now() };
        report();
      };
      const ticker = setInterval(report, TICK_MS);
      try {
        report();
        const sandbox = await lab.sandboxes.acquire(
          learnerId,
          (progress) => enter({ phase: progress.phase === "queued" ? "queued" : "sandbox", ...describeSandboxProgress(progress) }),
          { address: request.address, signal: left.signal },
        );
        enter({ phase: "files", message: `Putting the exercise files into ${chapter.workdir.replace(/^\/home\/learner/, "~")}…`, percent: 92 });
        const result = await placeExerciseFiles({ driver: lab.driver, sandboxId: sandbox.sandboxId, workdir: chapter.workdir }, chapter.files);
        send({ ready: true, ...result });
      } catch (error) {
        if (error instanceof HttpError) send({ error: error.message });
        else if (error instanceof LeftQueueError) return;
        else {
          console.error(`starting chapter ${chapter.id} for learner ${learnerId} failed:`, error);
          send({ error: "Your sandbox could not be started; the lab's log has the details. Try again, and if it keeps failing, tell your instructor." });
        }
      } finally {
        clearInterval(ticker);
        if (open) controller.close();
        open = false;
      }
    },
    cancel() {
      // The page went away; the sandbox keeps starting, and the next visit finds it ready. A learner still
      // in line leaves it (unless another of their tabs waits too).
      open = false;
      left.abort();
    },
  });
}
