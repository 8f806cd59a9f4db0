import {
  clampSize,
  encodeMessage,
  MAX_INPUT_FRAME_BYTES,
  parseServerMessage,
  TERMINAL_CLOSE,
  type ClientMessage,
  type StreamPosition,
} from "@/lib/terminal-protocol";

/** What the page shows about the connection; "ready" is the only state without an overlay or banner. */
export type LinkState =
  | { kind: "connecting"; message: string; percent?: number }
  | { kind: "ready" }
  | { kind: "reconnecting"; message: string; inMs: number }
  | { kind: "exited"; message: string }
  | { kind: "evicted"; message: string };

export interface LinkEvents {
  state(state: LinkState): void;
  /** A new stream starts from a snapshot: clear the screen and scrollback before the next data. */
  reset(): void;
  /** Terminal bytes to write; call `written` once xterm.js has processed them (its write callback). */
  data(bytes: Uint8Array, written: () => void): void;
  /** A problem worth a line in the console but not an overlay (the server refused one message). */
  notice(message: string): void;
  /** Watching: the learner's terminal size, to draw their screen at. */
  size?(size: { cols: number; rows: number }): void;
  /**
   * The snapshot that follows places rows by number for a screen of this size: drawn on another (the pane was
   * resized while connecting), rows past the bottom would overwrite each other. `restored` follows its last byte.
   */
  restoring?(size: { cols: number; rows: number }): void;
  restored?(): void;
}

const PING_EVERY_MS = 15_000;
const PONG_TIMEOUT_MS = 10_000;
/** Acks go out once this many bytes are written, or after ACK_DELAY_MS, whichever is first. */
const ACK_EVERY_BYTES = 32 * 1024;
const ACK_DELAY_MS = 50;
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];
/** Keystrokes and "run this" commands typed while connecting are kept (up to this much) and sent on ready. */
const MAX_QUEUED_INPUT = 64 * 1024;

/**
 * The browser end of the terminal protocol: one WebSocket at a time, reconnecting with backoff and resuming the
 * stream where it left off; acks written bytes for the server's flow control; keeps the link alive with pings.
 */
export class TerminalLink {
  private ws: WebSocket | null = null;
  private position: StreamPosition | null = null;
  private restoreLeft = 0;
  private ready = false;
  private attempt = 0;
  private disposed = false;
  private size: { cols: number; rows: number };
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;
  private pendingAck = 0;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private pongTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly url: string,
    initialSize: { cols: number; rows: number },
    private readonly events: LinkEvents,
  ) {
    this.size = clampSize(initialSize);
  }

  connect(): void {
    if (this.disposed) return;
    this.clearRetry();
    this.ready = false;
    if (this.attempt === 0) this.events.state({ kind: "connecting", message: "Connecting to your sandbox…" });
    const ws = new WebSocket(this.url);
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    ws.onopen = () => {
      this.send({ type: "hello", ...this.size, ...(this.position ? { resumeFrom: this.position } : {}) });
      this.startPings();
    };
    ws.onmessage = (event) => {
      if (ws !== this.ws) return;
      if (typeof event.data === "string") this.onControl(event.data);
      else this.onData(new Uint8Array(event.data as ArrayBuffer));
    };
    ws.onclose = (event) => {
      // A socket already given up (no pong) has been replaced; its late close changes nothing.
      if (ws === this.ws) this.onClose(event.code);
    };
  }

  /** Reconnect now (after an exit or an eviction, or when the page becomes visible while waiting to retry). */
  reconnect(): void {
    if (this.disposed || (this.ws && this.ws.readyState <= WebSocket.OPEN)) return;
    this.attempt = 0;
    this.connect();
  }

  get waitingToRetry(): boolean {
    return this.retryTimer !== null;
  }

  input(data: string | Uint8Array): void {
    const bytes = typeof data === "string" ? this.encoder.encode(data) : data;
    if (!this.ready) {
      if (this.queuedBytes + bytes.length > MAX_QUEUED_INPUT) return;
      this.queued.push(bytes);
      this.queuedBytes += bytes.length;
      return;
    }
    for (let offset = 0; offset < bytes.length; offset += MAX_INPUT_FRAME_BYTES) {
      this.ws!.send(bytes.subarray(offset, offset + MAX_INPUT_FRAME_BYTES));
    }
  }

  /** `force` re-sends an unchanged size: the tab the learner is using sets the shared shell's size. */
  resize(size: { cols: number; rows: number }, force = false): void {
    const next = clampSize(size);
    if (!force && next.cols === this.size.cols && next.rows === this.size.rows) return;
    this.size = next;
    if (this.ready) this.send({ type: "resize", ...next });
  }

  dispose(): void {
    this.disposed = true;
    this.stopPings();
    this.clearRetry();
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ws?.close(1000, "page closed");
    this.ws = null;
  }

  private onControl(text: string): void {
    const parsed = parseServerMessage(text);
    if (!parsed.ok) return this.events.notice(`terminal: ignored a bad message from the server (${parsed.error})`);
    const message = parsed.message;
    switch (message.type) {
      case "status":
        this.events.state({ kind: "connecting", message: message.message, percent: message.percent });
        return;
      case "ready":
        if (!message.resumed) this.events.reset();
        if (message.size) this.events.size?.(message.size);
        if (message.size && message.restore > 0) this.events.restoring?.(message.size);
        this.position = { stream: message.stream, seq: message.seq };
        this.restoreLeft = message.restore;
        this.ready = true;
        // A resize while connecting was kept, not sent: the shell may still be at the hello's size.
        if (message.size && (message.size.cols !== this.size.cols || message.size.rows !== this.size.rows)) this.send({ type: "resize", ...this.size });
        this.attempt = 0;
        this.events.state({ kind: "ready" });
        this.flushQueued();
        return;
      case "size":
        this.events.size?.({ cols: message.cols, rows: message.rows });
        return;
      case "pong":
        if (this.pongTimer) clearTimeout(this.pongTimer);
        this.pongTimer = null;
        return;
      case "exit":
        this.position = null;
        this.events.state({ kind: "exited", message: "Your shell has ended. Press Enter for a new one." });
        return;
      case "error":
        this.events.notice(`terminal: ${message.message}`);
        if (!this.ready) this.events.state({ kind: "connecting", message: message.message });
        return;
    }
  }

  private onData(bytes: Uint8Array): void {
    const restored = Math.min(this.restoreLeft, bytes.length);
    this.restoreLeft -= restored;
    if (this.position) this.position.seq += bytes.length - restored;
    this.events.data(bytes, () => this.ack(bytes.length));
    if (restored > 0 && this.restoreLeft === 0) this.events.restored?.();
  }

  private ack(bytes: number): void {
    this.pendingAck += bytes;
    if (this.pendingAck >= ACK_EVERY_BYTES) return this.flushAck();
    this.ackTimer ??= setTimeout(() => this.flushAck(), ACK_DELAY_MS);
  }

  private flushAck(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
    if (this.pendingAck > 0 && this.ws?.readyState === WebSocket.OPEN) this.send({ type: "ack", bytes: this.pendingAck });
    this.pendingAck = 0;
  }

  private onClose(code: number): void {
    this.ws = null;
    this.ready = false;
    this.stopPings();
    // Unacked bytes belonged to the old socket; the server forgot them with it.
    this.pendingAck = 0;
    if (this.disposed) return;
    if (code === TERMINAL_CLOSE.tooMany) {
      this.events.state({ kind: "evicted", message: "This terminal is open in too many tabs. Click to use it here." });
      return;
    }
    if (code === TERMINAL_CLOSE.sandboxStopped) {
      this.position = null;
      this.events.state({ kind: "exited", message: "Your sandbox was stopped while you were away. Press Enter to start it again." });
      return;
    }
    if (code === 1000 && !this.position) return; // the shell exited; the "exited" state waits for Enter
    const inMs = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] * (0.75 + Math.random() / 2);
    this.attempt++;
    this.events.state({
      kind: "reconnecting",
      message: this.attempt > 3 ? "Can't reach your terminal. Retrying…" : "Connection lost. Reconnecting…",
      inMs,
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, inMs);
  }

  private flushQueued(): void {
    const queued = this.queued;
    this.queued = [];
    this.queuedBytes = 0;
    for (const bytes of queued) this.input(bytes);
  }

  private send(message: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(encodeMessage(message));
  }

  private startPings(): void {
    this.stopPings();
    this.pingTimer = setInterval(() => {
      this.send({ type: "ping" });
      // A dead link (laptop asleep, Wi-Fi gone) may take minutes to close by itself: give it up now.
      this.pongTimer ??= setTimeout(() => {
        this.ws?.close();
        this.onClose(TERMINAL_CLOSE.timeout);
      }, PONG_TIMEOUT_MS);
    }, PING_EVERY_MS);
  }

  private stopPings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pingTimer = null;
    this.pongTimer = null;
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
