import { describe, expect, it } from "vitest";
import { clampSize, encodeMessage, MAX_CONTROL_MESSAGE_BYTES, parseClientMessage, parseServerMessage } from "./terminal-protocol";

describe("client control messages", () => {
  it("accepts each well-formed message", () => {
    expect(parseClientMessage('{"type":"hello","cols":80,"rows":24}')).toEqual({ ok: true, message: { type: "hello", cols: 80, rows: 24 } });
    const hello = { type: "hello", cols: 120, rows: 40, resumeFrom: { stream: "a1-b2", seq: 12345 } };
    expect(parseClientMessage(JSON.stringify(hello))).toEqual({ ok: true, message: hello });
    expect(parseClientMessage('{"type":"resize","cols":100,"rows":30}').ok).toBe(true);
    expect(parseClientMessage('{"type":"ping"}').ok).toBe(true);
    expect(parseClientMessage('{"type":"ack","bytes":65536}').ok).toBe(true);
  });

  it.each([
    ["not JSON", "{type: ping}", /not JSON/],
    ["an unknown type", '{"type":"exec","cmd":"rm -rf /"}', /invalid/],
    ["a missing field", '{"type":"resize","cols":80}', /rows/],
    ["a fractional size", '{"type":"resize","cols":80.5,"rows":24}', /cols/],
    ["a huge size", '{"type":"resize","cols":100000,"rows":24}', /cols/],
    ["a zero size", '{"type":"resize","cols":0,"rows":0}', /cols/],
    ["a negative ack", '{"type":"ack","bytes":-5}', /bytes/],
    ["an ack as a string", '{"type":"ack","bytes":"9"}', /bytes/],
    ["an extra field", '{"type":"ping","sandbox":"someone-else"}', /invalid/],
    ["a bad stream id", '{"type":"hello","cols":80,"rows":24,"resumeFrom":{"stream":"../x","seq":1}}', /stream/],
    ["a negative seq", '{"type":"hello","cols":80,"rows":24,"resumeFrom":{"stream":"s","seq":-1}}', /seq/],
    ["an array", "[1,2,3]", /invalid/],
    ["null", "null", /invalid/],
  ])("refuses %s with a reason", (_, text, reason) => {
    const result = parseClientMessage(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(reason);
  });

  it("refuses an oversized message before parsing it", () => {
    const text = JSON.stringify({ type: "ping", pad: "x".repeat(MAX_CONTROL_MESSAGE_BYTES) });
    const result = parseClientMessage(text);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/too long/) });
  });
});

describe("server control messages", () => {
  it("round-trips through encode and parse", () => {
    for (const message of [
      { type: "status", phase: "starting", message: "Starting your sandbox…", percent: 40 },
      { type: "ready", stream: "s1", seq: 0, resumed: false, restore: 10 },
      { type: "pong" },
      { type: "exit" },
      { type: "error", message: "nope" },
    ] as const) {
      expect(parseServerMessage(encodeMessage(message))).toEqual({ ok: true, message });
    }
  });

  it("refuses a status with an out-of-range percent", () => {
    expect(parseServerMessage('{"type":"status","phase":"x","message":"y","percent":140}').ok).toBe(false);
  });
});

describe("clampSize", () => {
  it("keeps a measured size inside the protocol's bounds", () => {
    expect(clampSize({ cols: 0, rows: 0 })).toEqual({ cols: 2, rows: 1 });
    expect(clampSize({ cols: NaN, rows: 24.7 })).toEqual({ cols: 2, rows: 24 });
    expect(clampSize({ cols: 9999, rows: 9999 })).toEqual({ cols: 500, rows: 200 });
  });
});
