import "server-only";

/**
 * Stable codes a client or a test can rely on; the message is for people and may change.
 * A status alone does not say why (403 is both "cross-site" and "not allowed").
 */
export type ErrorCode =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "cross_site"
  | "not_found"
  | "conflict"
  | "length_required"
  | "payload_too_large"
  | "unprocessable"
  | "rate_limited"
  | "unavailable"
  /** 503: the learner's sandbox went down under the request and is being revived; retrying soon works. */
  | "sandbox_restarting"
  | "internal";

const CODE_OF_STATUS: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "unauthenticated",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  411: "length_required",
  413: "payload_too_large",
  422: "unprocessable",
  429: "rate_limited",
  503: "unavailable",
};

/** The code a status means when the thrower named none. */
export function codeOfStatus(status: number): ErrorCode {
  return CODE_OF_STATUS[status] ?? (status >= 500 ? "internal" : "bad_request");
}

/** A refusal with a clear message, answered as JSON `{ error, code }` by jsonRoute. */
export class HttpError extends Error {
  readonly code: ErrorCode;

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
