import { z } from "zod";

/**
 * The browser terminal's wire protocol over one WebSocket at TERMINAL_PATH.
 *
 * Binary frames carry terminal bytes both ways: keystrokes to the shell, output to xterm.js.
 * Text frames carry small JSON control messages, validated here on both ends.
 *
 * Output is a byte stream numbered by `seq` (the offset of a byte since the stream began). A stream is one
 * attachment of the server to the learner's tmux session; it has an id that changes when the server restarts
 * or re-attaches. A client that reconnects says which stream and offset it has seen, and the server either
 * resumes from there (nothing lost, nothing repeated) or starts it over from a snapshot of the screen and its
 * scrollback.
 */

export const TERMINAL_PATH = "/ws/terminal";

/**
 * An instructor watching a learner's terminal read-only: `?workshop=<id>&learner=<id>`, the same protocol as a
 * learner's tab, except that input and resizes are ignored.
 */
export const TERMINAL_WATCH_PATH = "/ws/terminal/watch";
export const watchQuerySchema = z.object({ workshop: z.uuid(), learner: z.uuid() });
export type WatchQuery = z.infer<typeof watchQuerySchema>;

/** A control message longer than this is refused unread (an error reply; the connection goes on). */
export const MAX_CONTROL_MESSAGE_BYTES = 4096;
/** Clients split longer input (a big paste) into frames of at most this many bytes. */
export const MAX_INPUT_FRAME_BYTES = 16 * 1024;
/** The WebSocket layer's own cap; anything above is a broken or hostile client and the socket closes. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Bounds on a terminal's size: large enough for a 4K screen at a small font, small enough to keep tmux sane. */
export const TERMINAL_SIZE = { minCols: 2, maxCols: 500, minRows: 1, maxRows: 200 } as const;

/** Close codes the server uses beyond the standard ones. */
export const TERMINAL_CLOSE = {
  /** The server is shutting down or re-attaching; come back soon. */
  goingAway: 1001,
  /** No hello in time, or pings unanswered. */
  timeout: 4000,
  /** The client kept its output unread for too long while the shell was waiting on it. */
  stalled: 4001,
  /** The learner opened so many terminals that this one was dropped. */
  tooMany: 4002,
  /**
   * The sandbox went away under the shell (stopped while idle, or removed). The client waits for the learner
   * before reconnecting, since reconnecting starts the sandbox again.
   */
  sandboxStopped: 4003,
} as const;

const cols = z.number().int().min(TERMINAL_SIZE.minCols).max(TERMINAL_SIZE.maxCols);
const rows = z.number().int().min(TERMINAL_SIZE.minRows).max(TERMINAL_SIZE.maxRows);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const streamId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const streamPositionSchema = z.strictObject({ stream: streamId, seq });
export type StreamPosition = z.infer<typeof streamPositionSchema>;

export const clientMessageSchema = z.discriminatedUnion("type", [
  /** First message on every connection. */
  z.strictObject({ type: z.literal("hello"), cols, rows, resumeFrom: streamPositionSchema.optional() }),
  z.strictObject({ type: z.literal("resize"), cols, rows }),
  z.strictObject({ type: z.literal("ping") }),
  /** Flow control: this many more output bytes have been written into xterm.js since the last ack. */
  z.strictObject({ type: z.literal("ack"), bytes: z.number().int().min(1).max(64 * 1024 * 1024) }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const serverMessageSchema = z.discriminatedUnion("type", [
  /** Progress while the learner's sandbox starts; the page shows it instead of a blank terminal. */
  z.strictObject({
    type: z.literal("status"),
    phase: z.string().max(40),
    message: z.string().max(500),
    percent: z.number().min(0).max(100).optional(),
  }),
  /**
   * The shell is attached. The next binary bytes continue `stream` at offset `seq`. When `resumed` is false the
   * client resets its screen first, and the first `restore` bytes that follow are a snapshot of the screen and
   * its scrollback, not part of the stream's numbering.
   */
  z.strictObject({
    type: z.literal("ready"),
    stream: streamId,
    seq,
    resumed: z.boolean(),
    restore: z.number().int().min(0),
    /**
     * The shell's size; with a restore, the size its bytes were drawn for (they place rows by number, so a terminal
     * of another size draws them wrong). A read-only watcher draws the learner's screen at it.
     */
    size: z.strictObject({ cols, rows }).optional(),
  }),
  z.strictObject({ type: z.literal("pong") }),
  /** To a read-only watcher: the learner's terminal was resized. */
  z.strictObject({ type: z.literal("size"), cols, rows }),
  /** The learner's shell ended (they typed `exit`); a new connection starts a new one. */
  z.strictObject({ type: z.literal("exit") }),
  z.strictObject({ type: z.literal("error"), message: z.string().max(500) }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;
/** Where the learner's sandbox start stands, in their words: what a `status` message carries. */
export type SandboxStatus = Omit<Extract<ServerMessage, { type: "status" }>, "type">;

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

function parseWith<T>(schema: z.ZodType<T>, text: string): Parsed<T> {
  if (text.length > MAX_CONTROL_MESSAGE_BYTES) {
    return { ok: false, error: `control message too long (${text.length} > ${MAX_CONTROL_MESSAGE_BYTES} characters)` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: "control message is not JSON" };
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length ? `${issue.path.join(".")}: ` : "";
    return { ok: false, error: `invalid control message: ${where}${issue?.message ?? "unknown shape"}` };
  }
  return { ok: true, message: result.data };
}

export function parseClientMessage(text: string): Parsed<ClientMessage> {
  return parseWith(clientMessageSchema, text);
}

export function parseServerMessage(text: string): Parsed<ServerMessage> {
  return parseWith(serverMessageSchema, text);
}

export function encodeMessage(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message);
}

/** Keeps a measured size inside the protocol's bounds (a hidden pane measures 0×0). */
export function clampSize(size: { cols: number; rows: number }): { cols: number; rows: number } {
  const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, Math.floor(v) || min));
  return {
    cols: clamp(size.cols, TERMINAL_SIZE.minCols, TERMINAL_SIZE.maxCols),
    rows: clamp(size.rows, TERMINAL_SIZE.minRows, TERMINAL_SIZE.maxRows),
  };
}
