import type { z } from "zod";
import { codeOfStatus, errorBodySchema, type ErrorCode } from "@/lib/api-error";

/**
 * The browser side of every lab route: one place that sends (same-origin, JSON), reads a refusal's `{ error, code }`
 * and checks each answer against its schema in lib/ before a component sees it.
 */

/** A refusal, or the two ways a request fails before there is one: the lab was not reached, or its answer not understood. */
export type ApiErrorCode = ErrorCode | "unreachable" | "unreadable";

export class ApiError extends Error {
  constructor(
    /** 0 when the lab was not reached. */
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const UNREACHABLE = "Could not reach the lab server. Check your connection and try again.";

/** The sentence to show for what a call threw. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Sends a request to the lab; an unreachable lab is an ApiError ("unreachable"), a caller's abort stays an abort. */
export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { cache: "no-store", credentials: "same-origin", ...init });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiError(0, "unreachable", UNREACHABLE);
  }
}

/** The refusal an answer that is not ok carries. */
export async function errorOf(res: Response): Promise<ApiError> {
  const body = errorBodySchema.safeParse(await res.json().catch(() => null));
  if (!body.success) return new ApiError(res.status, codeOfStatus(res.status), `The server answered ${res.status}.`);
  return new ApiError(res.status, body.data.code ?? codeOfStatus(res.status), body.data.error);
}

/** An ok answer's body checked against its schema, or the ApiError it stands for. */
export async function answerOf<S extends z.ZodType>(res: Response, schema: S): Promise<z.infer<S>> {
  if (!res.ok) throw await errorOf(res);
  const body = schema.safeParse(await res.json().catch(() => null));
  if (!body.success) throw new ApiError(res.status, "unreadable", "The server sent an answer the page does not understand; reload the page.");
  return body.data;
}

export async function getJson<S extends z.ZodType>(url: string, schema: S, init?: RequestInit): Promise<z.infer<S>> {
  return answerOf(await request(url, init), schema);
}

/** A JSON request with a body (`{}` when none is needed). */
export function jsonRequest(body: unknown = {}, method = "POST", signal?: AbortSignal): RequestInit {
  return { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal };
}

/** Sends JSON and reads the answer with `schema`. */
export async function sendJson<S extends z.ZodType>(url: string, body: unknown, schema: S, method = "POST"): Promise<z.infer<S>> {
  return answerOf(await request(url, jsonRequest(body, method)), schema);
}

/** Sends JSON where only success matters: throws the refusal, else resolves. */
export async function send(url: string, body: unknown = {}, method = "POST"): Promise<void> {
  const res = await request(url, jsonRequest(body, method));
  if (!res.ok) throw await errorOf(res);
}

/** Best effort: a hint to the lab whose failure changes nothing for the page. */
export function notify(url: string, body: unknown = {}): void {
  void send(url, body).catch(() => undefined);
}

/** Reads an NDJSON answer line by line, passing each line that fits `schema` on (others are skipped). */
export async function readNdjson<S extends z.ZodType>(res: Response, schema: S, onLine: (line: z.infer<S>) => void): Promise<void> {
  if (!res.ok || !res.body) throw await errorOf(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line) continue;
      const parsed = schema.safeParse(parseJson(line));
      if (parsed.success) onLine(parsed.data);
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * A server-sent event stream whose messages are checked against `schema` (others are skipped). EventSource
 * reconnects by itself; `onLive` hears when the stream is up or down. Returns the source, to close.
 */
export function openEventStream<S extends z.ZodType>(url: string, schema: S, onEvent: (event: z.infer<S>) => void, onLive?: (live: boolean) => void): EventSource {
  const source = new EventSource(url);
  if (onLive) {
    source.onopen = () => onLive(true);
    source.onerror = () => onLive(false);
  }
  source.onmessage = (message) => {
    const parsed = schema.safeParse(parseJson(message.data));
    if (parsed.success) onEvent(parsed.data);
  };
  return source;
}
