import "server-only";

/**
 * A server-sent events response: each event the subscription delivers goes out as one `data:` line of
 * JSON. The subscription ends when the client goes away, whichever way it leaves.
 */
export function eventStreamResponse<T>(request: Request, subscribe: (send: (event: T) => void) => () => void): Response {
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
      const unsubscribe = subscribe((event) => send(`data: ${JSON.stringify(event)}\n\n`));
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
