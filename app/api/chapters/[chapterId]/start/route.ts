import type { StartEvent, StartPhase } from "@/lib/workspace/workspace-api";
import { HttpError, jsonRoute, requireLearner } from "@/server/auth/request-guard";
import { queueMessage } from "@/server/admission/admission-queue";
import { clientAddress } from "@/server/auth/rate-limit";
import { getRuntime } from "@/server/runtime";
import { LeftQueueError, type SandboxPhase } from "@/server/sandbox/sandbox-manager";
import { placeExerciseFiles } from "@/server/workspace/exercise-workspace";
import { chapterFromParams } from "@/server/workspace/learner-exercise";
import { assertChapterOpen } from "@/server/workshop/chapter-access";

/** Each phase of a sandbox start in the learner's words, and where the progress bar stands when it begins. */
const PHASES: Record<Exclude<SandboxPhase, "queued">, { message: string; percent: number }> = {
  "starting sandbox": { message: "Starting your sandbox", percent: 10 },
  "starting Docker": { message: "Starting Docker inside your sandbox", percent: 45 },
  "restoring your work": { message: "Restoring your files and images from your last visit", percent: 55 },
  ready: { message: "Sandbox ready; opening your files", percent: 88 },
};
const TICK_MS = 1000;

/**
 * Gets the learner's sandbox ready and puts the chapter's starting files where none exist yet (learner work
 * is never overwritten). Answers with NDJSON: progress lines `{phase, message, percent}` while it works (one
 * a second at least, with the seconds waited, so a slow first start never looks like a hung page), then
 * `{ready: true, placed, kept}` or `{error}`.
 */
export async function POST(request: Request, { params }: { params: Promise<{ chapterId: string }> }) {
  return jsonRoute(async () => {
    const learner = await requireLearner(request);
    const chapter = await chapterFromParams(await params);
    await assertChapterOpen(learner.id, chapter.id);
    const { driver, sandboxes } = getRuntime();
    const encoder = new TextEncoder();
    const left = new AbortController();
    request.signal.addEventListener("abort", () => left.abort());
    let open = true;

    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (event: StartEvent) => {
          if (open) controller.enqueue(encoder.encode(JSON.stringify(event) + "\n"));
        };
        let step: { phase: StartPhase; message: string; percent: number; since: number } = { phase: "sandbox", message: "Finding your sandbox", percent: 3, since: Date.now() };
        const report = () => {
          const seconds = Math.floor((Date.now() - step.since) / 1000);
          // In line, the position is the news: it changes by itself as places free.
          if (step.phase === "queued") return send({ phase: step.phase, message: step.message, percent: 0 });
          // The bar creeps on within a phase (never past the next phase's start), so a wait still shows motion.
          const percent = Math.max(step.percent, Math.min(step.percent + seconds * 2, step.percent + 30, 90));
          send({ phase: step.phase, message: seconds >= 2 ? `${step.message}… (${seconds} s)` : `${step.message}…`, percent });
        };
        const enter = (next: Omit<typeof step, "since">) => {
          step = { ...next, since: Date.now() };
          report();
        };
        const ticker = setInterval(report, TICK_MS);
        try {
          report();
          const sandbox = await sandboxes.acquire(
            learner.id,
            (progress) =>
              enter(
                progress.phase === "queued"
                  ? { phase: "queued", message: queueMessage(progress.position ?? 1), percent: 0 }
                  : { phase: "sandbox", ...PHASES[progress.phase], ...(progress.note ? { message: `${PHASES[progress.phase].message}: ${progress.note}` } : {}) },
              ),
            { address: clientAddress(request), signal: left.signal },
          );
          enter({ phase: "files", message: `Putting the exercise files into ${chapter.workdir.replace(/^\/home\/learner/, "~")}`, percent: 92 });
          const result = await placeExerciseFiles({ driver, sandboxId: sandbox.sandboxId, workdir: chapter.workdir }, chapter.files);
          send({ ready: true, ...result });
        } catch (error) {
          if (error instanceof HttpError) send({ error: error.message });
          else if (error instanceof LeftQueueError) return;
          else {
            console.error(`starting chapter ${chapter.id} for learner ${learner.id} failed:`, error);
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

    return new Response(stream, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        // Each line must reach the browser as it is written: no caching, no compression, no proxy buffering.
        "cache-control": "no-store, no-transform",
        "x-accel-buffering": "no",
      },
    });
  });
}
