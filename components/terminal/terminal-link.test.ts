import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { encodeMessage, TERMINAL_CLOSE, type ClientMessage, type ServerMessage } from "@/lib/terminal-protocol";
import { TerminalLink, type LinkState } from "./terminal-link";

/** A stand-in for the browser's WebSocket that records what the link sends and lets the test play the server. */
class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  binaryType = "blob";
  sent: (ClientMessage | Uint8Array)[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string | ArrayBuffer }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string | Uint8Array) {
    this.sent.push(typeof data === "string" ? (JSON.parse(data) as ClientMessage) : data);
  }
  close() {
    this.readyState = FakeSocket.CLOSED;
  }
  // The server's side:
  open() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  message(m: ServerMessage) {
    this.onmessage?.({ data: encodeMessage(m) });
  }
  data(bytes: string) {
    const u = new TextEncoder().encode(bytes);
    this.onmessage?.({ data: u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) });
  }
  drop(code = 1006) {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code });
  }
  controls() {
    return this.sent.filter((m): m is ClientMessage => !(m instanceof Uint8Array));
  }
  input() {
    return this.sent.filter((m): m is Uint8Array => m instanceof Uint8Array).map((u) => new TextDecoder().decode(u));
  }
}

function setup() {
  const states: LinkState[] = [];
  const written: string[] = [];
  let resets = 0;
  const link = new TerminalLink("ws://lab/ws/terminal", { cols: 80, rows: 24 }, {
    state: (s) => states.push(s),
    reset: () => resets++,
    data: (bytes, done) => {
      written.push(new TextDecoder().decode(bytes));
      done();
    },
    notice: () => {},
  });
  return { link, states, written, resets: () => resets, socket: () => FakeSocket.all.at(-1)! };
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
  vi.stubGlobal("WebSocket", FakeSocket);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("TerminalLink", () => {
  it("says hello with its size, shows status, and keeps input typed before ready for after it", () => {
    const { link, states, socket } = setup();
    link.connect();
    link.input("ls\r");
    socket().open();
    expect(socket().controls()).toEqual([{ type: "hello", cols: 80, rows: 24 }]);
    socket().message({ type: "status", phase: "starting sandbox", message: "Starting your sandbox…", percent: 30 });
    expect(states.at(-1)).toEqual({ kind: "connecting", message: "Starting your sandbox…", percent: 30 });
    expect(socket().input()).toEqual([]);
    socket().message({ type: "ready", stream: "s1", seq: 0, resumed: false, restore: 0 });
    expect(states.at(-1)).toEqual({ kind: "ready" });
    expect(socket().input()).toEqual(["ls\r"]);
  });

  it("counts restore bytes apart from the stream and resumes from the stream position after a drop", () => {
    const { link, written, resets, socket } = setup();
    link.connect();
    socket().open();
    socket().message({ type: "ready", stream: "s1", seq: 100, resumed: false, restore: 5 });
    expect(resets()).toBe(1);
    socket().data("SNAP!");
    socket().data("abc");
    socket().data("de");
    expect(written).toEqual(["SNAP!", "abc", "de"]);
    socket().drop();
    vi.advanceTimersByTime(10_000);
    socket().open();
    expect(socket().controls()[0]).toEqual({ type: "hello", cols: 80, rows: 24, resumeFrom: { stream: "s1", seq: 105 } });
    socket().message({ type: "ready", stream: "s1", seq: 105, resumed: true, restore: 0 });
    expect(resets()).toBe(1); // a resumed stream keeps the screen
  });

  it("acks written bytes in batches: at once past 32 KiB, otherwise shortly after", () => {
    const { link, socket } = setup();
    link.connect();
    socket().open();
    socket().message({ type: "ready", stream: "s1", seq: 0, resumed: false, restore: 0 });
    socket().data("x".repeat(1000));
    socket().data("y".repeat(500));
    expect(socket().controls().filter((m) => m.type === "ack")).toEqual([]);
    vi.advanceTimersByTime(60);
    expect(socket().controls().filter((m) => m.type === "ack")).toEqual([{ type: "ack", bytes: 1500 }]);
    socket().data("z".repeat(40_000));
    expect(socket().controls().filter((m) => m.type === "ack").at(-1)).toEqual({ type: "ack", bytes: 40_000 });
  });

  it("reconnects with growing backoff while the server is away", () => {
    const { link, states } = setup();
    link.connect();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      FakeSocket.all.at(-1)!.drop();
      const s = states.at(-1)!;
      expect(s.kind).toBe("reconnecting");
      if (s.kind === "reconnecting") delays.push(s.inMs);
      vi.advanceTimersByTime(s.kind === "reconnecting" ? s.inMs : 0);
    }
    expect(FakeSocket.all).toHaveLength(6);
    expect(delays[4]).toBeGreaterThan(delays[0] * 4);
  });

  it("gives up a link that stops answering pings", () => {
    const { link, states, socket } = setup();
    link.connect();
    socket().open();
    socket().message({ type: "ready", stream: "s1", seq: 0, resumed: false, restore: 0 });
    vi.advanceTimersByTime(15_000);
    expect(socket().controls().at(-1)).toEqual({ type: "ping" });
    vi.advanceTimersByTime(10_000);
    expect(states.at(-1)?.kind).toBe("reconnecting");
  });

  it("waits for the learner after the shell exits, and after being displaced by too many tabs", () => {
    const { link, states, socket } = setup();
    link.connect();
    socket().open();
    socket().message({ type: "ready", stream: "s1", seq: 0, resumed: false, restore: 0 });
    socket().message({ type: "exit" });
    socket().drop(1000);
    vi.advanceTimersByTime(60_000);
    expect(states.at(-1)?.kind).toBe("exited");
    expect(FakeSocket.all).toHaveLength(1);
    link.reconnect();
    expect(FakeSocket.all).toHaveLength(2);
    socket().open();
    expect(socket().controls()[0]).toEqual({ type: "hello", cols: 80, rows: 24 }); // a new shell, no resume
    socket().drop(TERMINAL_CLOSE.tooMany);
    vi.advanceTimersByTime(60_000);
    expect(states.at(-1)?.kind).toBe("evicted");
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("does not restart a sandbox that was stopped while idle until the learner asks", () => {
    const { link, states, socket } = setup();
    link.connect();
    socket().open();
    socket().message({ type: "ready", stream: "s1", seq: 0, resumed: false, restore: 0 });
    socket().drop(TERMINAL_CLOSE.sandboxStopped);
    vi.advanceTimersByTime(60_000);
    expect(states.at(-1)).toMatchObject({ kind: "exited", message: expect.stringMatching(/stopped/) });
    expect(FakeSocket.all).toHaveLength(1);
    link.reconnect();
    socket().open();
    expect(socket().controls()[0]).toEqual({ type: "hello", cols: 80, rows: 24 });
  });

  it("splits a big paste into frames the server accepts", () => {
    const { link, socket } = setup();
    link.connect();
    socket().open();
    socket().message({ type: "ready", stream: "s1", seq: 0, resumed: false, restore: 0 });
    link.input("p".repeat(40_000));
    expect(socket().input().map((s) => s.length)).toEqual([16_384, 16_384, 7_232]);
  });

  it("announces a snapshot with the size it was drawn for, and its end once its last byte is written", () => {
    const restoring: { cols: number; rows: number }[] = [];
    let restored = 0;
    const written: string[] = [];
    const link = new TerminalLink("ws://lab/ws/terminal", { cols: 80, rows: 24 }, {
      state: () => {},
      reset: () => {},
      data: (bytes, done) => {
        written.push(new TextDecoder().decode(bytes));
        done();
      },
      notice: () => {},
      restoring: (size) => restoring.push(size),
      restored: () => restored++,
    });
    link.connect();
    const socket = FakeSocket.all.at(-1)!;
    socket.open();
    socket.message({ type: "ready", stream: "s1", seq: 0, resumed: false, restore: 5, size: { cols: 100, rows: 30 } });
    expect(restoring).toEqual([{ cols: 100, rows: 30 }]);
    socket.data("SN");
    expect(restored).toBe(0);
    socket.data("AP!");
    expect(restored).toBe(1);
    socket.data("live");
    expect(restored).toBe(1);
    expect(written).toEqual(["SN", "AP!", "live"]);
    // A resumed stream (or one with nothing to restore) announces none.
    socket.drop();
    vi.advanceTimersByTime(10_000);
    FakeSocket.all.at(-1)!.open();
    FakeSocket.all.at(-1)!.message({ type: "ready", stream: "s1", seq: 4, resumed: true, restore: 0, size: { cols: 100, rows: 30 } });
    expect(restoring).toHaveLength(1);
  });

  it("tells the shell a size taken while connecting, once ready (positive control: an unchanged size sends nothing)", () => {
    const { link, socket } = setup();
    link.connect();
    socket().open();
    socket().message({ type: "ready", stream: "s1", seq: 0, resumed: false, restore: 0, size: { cols: 80, rows: 24 } });
    expect(socket().controls().filter((m) => m.type === "resize")).toEqual([]);
    socket().drop();
    vi.advanceTimersByTime(10_000);
    socket().open();
    expect(socket().controls()[0]).toMatchObject({ type: "hello", cols: 80, rows: 24 });
    // The pane is resized after the hello went out: not sent while connecting...
    link.resize({ cols: 120, rows: 40 });
    expect(socket().controls().filter((m) => m.type === "resize")).toEqual([]);
    // ...and sent once the server says the shell is still at the hello's size.
    socket().message({ type: "ready", stream: "s1", seq: 0, resumed: true, restore: 0, size: { cols: 80, rows: 24 } });
    expect(socket().controls().filter((m) => m.type === "resize")).toEqual([{ type: "resize", cols: 120, rows: 40 }]);
  });
});
