import { currentLearner } from "@/server/auth/request-guard";
import { subscribeLearner } from "@/server/events/learner-event-bus";

export const dynamic = "force-dynamic";

/** Server-sent events for the signed-in learner only: check verdicts and messages, without a page reload. */
export async function GET(request: Request): Promise<Response> {
  const learner = await currentLearner();
  if (!learner) return Response.json({ error: "Start a session first." }, { status: 401 });
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (chunk: string) => {
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          cleanup();
        }
      };
      send(": connected\n\n");
      const unsubscribe = subscribeLearner(learner.id, (event) => send(`data: ${JSON.stringify(event)}\n\n`));
      // Comments keep proxies from closing an idle stream.
      const keepAlive = setInterval(() => send(": ping\n\n"), 25_000);
      cleanup = () => {
        clearInterval(keepAlive);
        unsubscribe();
      };
      request.signal.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", connection: "keep-alive" },
  });
}
