import { z } from "zod";

/**
 * How every lab route answers a refusal: `{ error, code }`. The message is for people and may change; the code is
 * stable, for a client or a test to rely on (a status alone does not say why: 403 is "cross-site" and "not allowed").
 */
export const ERROR_CODES = [
  "bad_request",
  "unauthenticated",
  "forbidden",
  "cross_site",
  "not_found",
  "conflict",
  "length_required",
  "payload_too_large",
  "unprocessable",
  "rate_limited",
  "unavailable",
  /** 503: the learner's sandbox went down under the request and is being revived; retrying soon works. */
  "sandbox_restarting",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

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

/** The code a status means when the answer named none. */
export function codeOfStatus(status: number): ErrorCode {
  return CODE_OF_STATUS[status] ?? (status >= 500 ? "internal" : "bad_request");
}

/** A refusal's body. The code is optional to read: an answer from before codes (or a proxy's) still gives its sentence. */
export const errorBodySchema = z.object({ error: z.string(), code: z.enum(ERROR_CODES).optional().catch(undefined) });
export type ErrorBody = z.infer<typeof errorBodySchema>;
