import "server-only";
import type { WebSocket } from "ws";
import { encodeMessage, type ServerMessage } from "@/lib/terminal-protocol";

/**
 * The server side of one terminal WebSocket, as the learner's tab (TerminalConnection) and an instructor's watch
 * (WatchConnection) share it: a keepalive ping that drops a peer gone silent, control messages sent only while the
 * socket is open, and one clean-up however the socket ends.
 */
export abstract class SocketPeer {
  protected closed = false;
  private alive = true;
  private readonly pingTimer: NodeJS.Timeout;

  constructor(
    protected readonly ws: WebSocket,
    pingEveryMs: number,
  ) {
    this.pingTimer = setInterval(() => {
      if (!this.alive) return this.ws.terminate();
      this.alive = false;
      this.ws.ping();
    }, pingEveryMs);
    ws.on("pong", () => (this.alive = true));
    ws.on("close", () => this.cleanup());
    ws.on("error", () => this.cleanup());
  }

  protected send(message: ServerMessage): void {
    if (!this.closed && this.ws.readyState === this.ws.OPEN) this.ws.send(encodeMessage(message));
  }

  protected close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.close(code, reason);
    this.cleanup();
  }

  /** Runs once, whichever way the socket ended: the ping stops and the peer lets go of what it holds. */
  protected cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    this.release();
  }

  protected abstract release(): void;
}
