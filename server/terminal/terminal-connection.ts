import "server-only";
import type { WebSocket } from "ws";
import { MAX_INPUT_FRAME_BYTES, parseClientMessage, TERMINAL_CLOSE, type ClientMessage } from "@/lib/terminal-protocol";
import { FlowControl, type FlowChange, type Watermarks } from "./flow-control";
import { SocketPeer } from "./socket-peer";
import type { TerminalHub } from "./terminal-hub";
import type { AttachInfo, DetachReason, TerminalSession, TerminalViewer } from "./terminal-session";

export interface ConnectionOptions {
  watermarks: Watermarks;
  /** A client must say hello within this time. */
  helloTimeoutMs: number;
  /** WebSocket ping interval; a socket that missed the previous pong is dead and is dropped. */
  pingEveryMs: number;
  /** A tab that keeps the shell paused this long (e.g. a throttled background tab) is dropped; it will resume. */
  stallMs: number;
}

export const DEFAULT_CONNECTION_OPTIONS: ConnectionOptions = {
  // xterm.js parses 5–35 MB/s; half a megabyte in flight keeps it busy without holding much anywhere.
  watermarks: { high: 512 * 1024, low: 128 * 1024 },
  helloTimeoutMs: 10_000,
  pingEveryMs: 20_000,
  stallMs: 30_000,
};

/** One browser tab's WebSocket onto its learner's shell. */
export class TerminalConnection extends SocketPeer implements TerminalViewer {
  private session: TerminalSession | null = null;
  private readonly flow: FlowControl;
  private helloSeen = false;
  private stallTimer: NodeJS.Timeout | null = null;
  private readonly helloTimer: NodeJS.Timeout;

  constructor(
    ws: WebSocket,
    private readonly learnerId: string,
    private readonly hub: TerminalHub,
    private readonly options: ConnectionOptions,
  ) {
    super(ws, options.pingEveryMs);
    this.flow = new FlowControl(options.watermarks);
    this.helloTimer = setTimeout(() => this.close(TERMINAL_CLOSE.timeout, "no hello"), options.helloTimeoutMs);
    ws.on("message", (data, isBinary) => this.onMessage(data as Buffer | Buffer[] | ArrayBuffer, isBinary));
  }

  get unackedBytes(): number {
    return this.flow.unacked;
  }

  get socketBufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  // TerminalViewer: called by the session.

  start(info: AttachInfo): void {
    const restore = info.restore ?? new Uint8Array(0);
    // The shell's size (with a restore, the size its screen was captured at): the tab draws the snapshot at it, and
    // sends its own size if it changed since its hello.
    this.send({ type: "ready", stream: info.stream, seq: info.seq, resumed: info.resumed, restore: restore.length, size: { cols: info.size.cols, rows: info.size.rows } });
    if (restore.length) this.output(restore);
    for (const chunk of info.replay) this.output(chunk);
  }

  output(chunk: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(chunk, { binary: true }, () => this.applyFlow(this.flow.drained(this.ws.bufferedAmount)));
    this.applyFlow(this.flow.sent(chunk.length, this.ws.bufferedAmount));
  }

  end(reason: DetachReason): void {
    this.session = null;
    if (reason === "shell-exited") {
      this.send({ type: "exit" });
      this.close(1000, "shell exited");
    } else if (reason === "evicted") {
      this.close(TERMINAL_CLOSE.tooMany, "opened in too many tabs");
    } else if (reason === "lost") {
      // Stopped while the learner was away: reconnecting would start it, so the tab waits for them. Killed or
      // restarted by the lab: the tab reconnects by itself into the same sandbox, started again.
      if (this.hub.waitsForLearner(this.learnerId)) this.close(TERMINAL_CLOSE.sandboxStopped, "the sandbox stopped");
      else this.close(TERMINAL_CLOSE.goingAway, "the sandbox is starting again");
    } else {
      this.close(TERMINAL_CLOSE.goingAway, "terminal re-attaching");
    }
  }

  private onMessage(data: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) return this.onInput(bytes);
    const parsed = parseClientMessage(bytes.toString("utf8"));
    if (!parsed.ok) return this.send({ type: "error", message: parsed.error });
    this.onControl(parsed.message);
  }

  private onInput(bytes: Buffer): void {
    if (!this.session) return this.send({ type: "error", message: "input before the terminal was ready was dropped" });
    if (bytes.length > MAX_INPUT_FRAME_BYTES) {
      return this.send({ type: "error", message: `input frame too large (${bytes.length} > ${MAX_INPUT_FRAME_BYTES} bytes); split it` });
    }
    this.session.input(bytes);
    this.hub.touch(this.learnerId);
  }

  private onControl(message: ClientMessage): void {
    switch (message.type) {
      case "hello":
        if (this.helloSeen) return this.send({ type: "error", message: "hello was already received" });
        this.helloSeen = true;
        clearTimeout(this.helloTimer);
        void this.attach(message);
        return;
      case "resize":
        this.session?.resize(message.cols, message.rows);
        return;
      case "ping":
        this.send({ type: "pong" });
        return;
      case "ack":
        this.applyFlow(this.flow.ack(message.bytes));
        return;
    }
  }

  private async attach(hello: Extract<ClientMessage, { type: "hello" }>): Promise<void> {
    try {
      const session = await this.hub.attach(this.learnerId, this, hello, (p) => this.send({ type: "status", ...p }));
      if (this.closed) return this.hub.detach(this.learnerId, session, this);
      this.session = session;
      // A resumed tab gets its missed output inside attach(), before the session was known here.
      if (this.flow.paused) this.applyFlow("pause");
    } catch (error) {
      console.error(`terminal for learner ${this.learnerId} failed to start:`, error);
      const detail = error instanceof Error ? error.message : String(error);
      this.send({ type: "error", message: `Your terminal could not start: ${detail}`.slice(0, 500) });
      this.close(1011, "attach failed");
    }
  }

  private applyFlow(change: FlowChange): void {
    if (!change || !this.session) return;
    this.session.setPaused(this, change === "pause");
    if (change === "pause") {
      this.stallTimer ??= setTimeout(() => this.close(TERMINAL_CLOSE.stalled, "output unread for too long"), this.options.stallMs);
    } else if (this.stallTimer) {
      clearTimeout(this.stallTimer);
      this.stallTimer = null;
    }
  }

  protected release(): void {
    clearTimeout(this.helloTimer);
    if (this.stallTimer) clearTimeout(this.stallTimer);
    if (this.session) this.hub.detach(this.learnerId, this.session, this);
    this.session = null;
  }
}
