import { describe, expect, it } from "vitest";
import { FlowControl } from "./flow-control";

describe("FlowControl", () => {
  const make = () => new FlowControl({ high: 1000, low: 200 });

  it("pauses above the high watermark of unacked bytes and resumes below the low one", () => {
    const flow = make();
    expect(flow.sent(600, 0)).toBeNull();
    expect(flow.sent(600, 0)).toBe("pause");
    expect(flow.paused).toBe(true);
    expect(flow.sent(100, 0)).toBeNull(); // already paused: no second pause
    expect(flow.ack(500)).toBeNull(); // 800 unacked: between the watermarks, stays paused
    expect(flow.ack(700)).toBe("resume"); // 100 unacked
    expect(flow.paused).toBe(false);
    expect(flow.ack(50)).toBeNull();
  });

  it("does not toggle on every chunk between the watermarks (hysteresis)", () => {
    const flow = make();
    const changes = [];
    for (let i = 0; i < 100; i++) {
      changes.push(flow.sent(100, 0));
      changes.push(flow.ack(100));
    }
    expect(changes.filter(Boolean)).toEqual([]);
  });

  it("counts acks for bytes never sent as nothing", () => {
    const flow = make();
    flow.ack(1_000_000);
    expect(flow.sent(1100, 0)).toBe("pause");
    expect(flow.unacked).toBe(1100);
  });

  it("pauses on a full socket send buffer even when the client acks everything", () => {
    const flow = make();
    flow.sent(500, 500);
    flow.ack(500);
    expect(flow.sent(100, 1200)).toBe("pause");
    expect(flow.ack(100)).toBeNull(); // nothing unacked, but the socket still holds 1200
    expect(flow.drained(150)).toBe("resume");
  });

  it("refuses watermarks the wrong way round", () => {
    expect(() => new FlowControl({ high: 10, low: 10 })).toThrow();
  });
});
