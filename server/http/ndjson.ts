import "server-only";

/** An answer of NDJSON lines (one JSON value a line), each reaching the browser as it is written. */
export function ndjsonResponse(body: ReadableStream<Uint8Array> | string): Response {
  return new Response(body, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      // No caching, no compression, no proxy buffering: a progress line must not wait for the next.
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}

/** One NDJSON line. */
export function ndjsonLine(value: unknown): string {
  return JSON.stringify(value) + "\n";
}
