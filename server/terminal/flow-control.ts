import "server-only";

export interface Watermarks {
  /** Pause the shell's output once this many bytes are sent but not yet shown by the browser. */
  high: number;
  /** Resume once the backlog is back under this many. */
  low: number;
}

export type FlowChange = "pause" | "resume" | null;

/**
 * Per-connection flow control, after xterm.js's flow-control guide: the browser acks the bytes it has written
 * into xterm.js; while too many are unacked, this connection asks for the pty to be paused, and it lets go
 * again below the low watermark (hysteresis, so the pty is not toggled on every chunk).
 *
 * The backlog is the larger of the unacked bytes and the socket's own send buffer: a client that acks bytes it
 * never read still cannot make the server buffer without bound.
 */
export class FlowControl {
  private sentBytes = 0;
  private ackedBytes = 0;
  private socketBuffered = 0;
  private pausedState = false;

  constructor(readonly watermarks: Watermarks) {
    if (!(watermarks.low < watermarks.high)) throw new Error("flow control needs low < high");
  }

  get paused(): boolean {
    return this.pausedState;
  }

  get unacked(): number {
    return this.sentBytes - this.ackedBytes;
  }

  get backlog(): number {
    return Math.max(this.unacked, this.socketBuffered);
  }

  /** `bytes` went out; `buffered` is the socket's send buffer right after. */
  sent(bytes: number, buffered: number): FlowChange {
    this.sentBytes += bytes;
    this.socketBuffered = buffered;
    return this.evaluate();
  }

  /** The client wrote this many more bytes into xterm.js. Acks beyond what was sent count for nothing. */
  ack(bytes: number): FlowChange {
    this.ackedBytes = Math.min(this.sentBytes, this.ackedBytes + bytes);
    return this.evaluate();
  }

  /** The socket flushed; `buffered` is what is still queued in it. */
  drained(buffered: number): FlowChange {
    this.socketBuffered = buffered;
    return this.evaluate();
  }

  private evaluate(): FlowChange {
    const level = this.backlog;
    if (!this.pausedState && level > this.watermarks.high) {
      this.pausedState = true;
      return "pause";
    }
    if (this.pausedState && level < this.watermarks.low) {
      this.pausedState = false;
      return "resume";
    }
    return null;
  }
}
