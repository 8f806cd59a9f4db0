import "server-only";

import { codeOfStatus, type ErrorCode } from "@/lib/api-error";

/** The codes and the code of a status are the wire's (lib/api-error.ts), shared with the browser's client. */
export { codeOfStatus, type ErrorCode };

/**
 * Marks every HttpError whichever copy of this module made it: Next bundles route handlers apart from the custom
 * server, so one process holds two HttpError classes, and a refusal thrown below the routes (a rate limit in the
 * sandbox manager) must still be answered as one rather than as a 500.
 */
const HTTP_ERROR = Symbol.for("layerlab.http-error");

/** A refusal with a clear message, answered as JSON `{ error, code }` by jsonRoute. */
export class HttpError extends Error {
  readonly code: ErrorCode;
  readonly [HTTP_ERROR] = true;

  /** `instanceof HttpError` by the mark (any copy); a subclass still by its own prototype chain. */
  static [Symbol.hasInstance](value: unknown): boolean {
    if (this !== HttpError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === "object" && value !== null && (value as { [HTTP_ERROR]?: boolean })[HTTP_ERROR] === true;
  }

  constructor(
    readonly status: number,
    message: string,
    code?: ErrorCode,
    /** Extra response headers, such as Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.code = code ?? codeOfStatus(status);
  }
}

export const INTERNAL_ERROR_MESSAGE = "Something went wrong on the server; nothing was lost. Try again.";

/** The JSON answer for a refusal (also for route code that answers an error without throwing). */
export function errorResponse(status: number, message: string, code: ErrorCode = codeOfStatus(status), headers: Record<string, string> = {}): Response {
  return Response.json({ error: message, code }, { status, headers });
}

/**
 * The lab's policy for errors in a route: an HttpError is answered with its status, message and code;
 * anything else is logged and answered 500 `internal` with a sentence that promises nothing was lost.
 */
export async function jsonRoute(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof HttpError) return errorResponse(error.status, error.message, error.code, error.headers);
    console.error("route failed:", error);
    return errorResponse(500, INTERNAL_ERROR_MESSAGE, "internal");
  }
}
