import "server-only";
import type { WebSocket } from "ws";
import { parseClientMessage, TERMINAL_CLOSE } from "@/lib/terminal-protocol";
import { SocketPeer } from "./socket-peer";
import type { TerminalHub } from "./terminal-hub";
import type { AttachInfo, DetachReason, TerminalViewer } from "./terminal-session";

/**
 * An instructor's read-only view of one learner's terminal, over the same protocol as the learner's own tab:
 * a `ready` and a snapshot each time the learner's shell is attached, then the live output. Nothing the watcher
 * sends reaches the shell: keystrokes are dropped here, and its size never applies (the learner's tab decides).
 * The watcher never pauses the learner's shell either; a watcher too slow to keep up is dropped and reconnects
 * to a fresh snapshot.
 */
export class WatchConnection extends SocketPeer implements TerminalViewer {
  readonly watcher = true;
  private stop: (() => void) | null = null;
  private warnedReadOnly = false;

  constructor(
    ws: WebSocket,
    private readonly learnerId: string,
    private readonly hub: TerminalHub,
    private readonly options: { maxBufferedBytes: number; pingEveryMs: number },
  ) {
    super(ws, options.pingEveryMs);
    ws.on("message", (data, isBinary) => this.onMessage(data as Buffer, isBinary));
  }

  start(info: AttachInfo): void {
    const restore = info.restore ?? new Uint8Array(0);
    this.send({ type: "ready", stream: info.stream, seq: info.seq, resumed: false, restore: restore.length, size: { cols: info.size.cols, rows: info.size.rows } });
    if (restore.length) this.output(restore);
    for (const chunk of info.replay) this.output(chunk);
  }

  output(chunk: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.options.maxBufferedBytes) return this.close(TERMINAL_CLOSE.stalled, "watcher too slow");
    this.ws.send(chunk, { binary: true });
  }

  resized(size: { cols: number; rows: number }): void {
    this.send({ type: "size", cols: size.cols, rows: size.rows });
  }

  end(reason: DetachReason): void {
    if (reason === "evicted") return this.close(TERMINAL_CLOSE.tooMany, "too many viewers");
    // The hub attaches this watcher again when the learner's shell comes back.
    this.send({ type: "status", phase: "waiting", message: "The learner's terminal is closed; it shows here again when they open it." });
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      // Read-only: keystrokes never reach the learner's shell.
      if (!this.warnedReadOnly) this.send({ type: "error", message: "This terminal is read-only: you are watching a learner." });
      this.warnedReadOnly = true;
      return;
    }
    const parsed = parseClientMessage(data.toString("utf8"));
    if (!parsed.ok) return this.send({ type: "error", message: parsed.error });
    switch (parsed.message.type) {
      case "hello":
        if (this.stop) return this.send({ type: "error", message: "hello was already received" });
        if (!this.hub.isAttached(this.learnerId)) {
          this.send({ type: "status", phase: "waiting", message: "The learner's terminal is not open right now; it shows here when they open it." });
        }
        this.stop = this.hub.watchWith(this.learnerId, this);
        return;
      case "ping":
        return this.send({ type: "pong" });
      case "resize":
      case "ack":
        // The learner's tab sets the size; the watcher's output is never paused, so acks mean nothing here.
        return;
    }
  }

  protected release(): void {
    this.stop?.();
    this.stop = null;
  }
}
