import { describe, expect, it } from "vitest";
import { ReplayBuffer } from "./replay-buffer";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (chunks: Uint8Array[] | null) => (chunks ? new TextDecoder().decode(Buffer.concat(chunks)) : null);

describe("ReplayBuffer", () => {
  it("numbers bytes from 0 and returns everything after an offset", () => {
    const buffer = new ReplayBuffer(1024, 4);
    buffer.append(bytes("hello "));
    buffer.append(bytes("world"));
    expect([buffer.start, buffer.end]).toEqual([0, 11]);
    expect(text(buffer.since(0))).toBe("hello world");
    expect(text(buffer.since(3))).toBe("lo world");
    expect(text(buffer.since(6))).toBe("world");
    expect(text(buffer.since(11))).toBe("");
  });

  it("refuses offsets it does not hold (future ones too)", () => {
    const buffer = new ReplayBuffer(1024);
    buffer.append(bytes("abc"));
    expect(buffer.since(4)).toBeNull();
    expect(buffer.since(-1)).toBeNull();
  });

  it("trims whole blocks from the front once over the limit, keeping offsets", () => {
    const buffer = new ReplayBuffer(10, 4);
    for (const chunk of ["aaaa", "bbbb", "cccc", "dddd"]) buffer.append(bytes(chunk));
    // 16 bytes > 10: the two oldest 4-byte blocks go, whole.
    expect([buffer.start, buffer.end, buffer.heldBytes]).toEqual([8, 16, 8]);
    expect(text(buffer.since(8))).toBe("ccccdddd");
    expect(text(buffer.since(13))).toBe("ddd");
    expect(buffer.since(7)).toBeNull();
  });

  it("merges small chunks into blocks so keystroke echoes do not pile up as tiny blocks", () => {
    const buffer = new ReplayBuffer(100, 8);
    for (const ch of "abcdefghijklmnop") buffer.append(bytes(ch));
    expect(text(buffer.since(0))).toBe("abcdefghijklmnop");
    expect(buffer.since(0)).toHaveLength(2);
  });

  it("keeps a single chunk larger than the limit rather than dropping the newest output", () => {
    const buffer = new ReplayBuffer(4, 4);
    buffer.append(bytes("ab"));
    buffer.append(bytes("0123456789"));
    expect([buffer.start, buffer.end, buffer.heldBytes]).toEqual([2, 12, 10]);
  });

  it("stays bounded under a long flood", () => {
    const buffer = new ReplayBuffer(64 * 1024, 16 * 1024);
    const chunk = new Uint8Array(4096).fill(121);
    for (let i = 0; i < 10_000; i++) buffer.append(chunk);
    expect(buffer.end).toBe(4096 * 10_000);
    expect(buffer.heldBytes).toBeLessThanOrEqual(64 * 1024 + 16 * 1024);
    expect(buffer.since(buffer.end - 100)?.reduce((n, c) => n + c.length, 0)).toBe(100);
  });

  it("does not let later appends change what an earlier since() returned", () => {
    const buffer = new ReplayBuffer(100, 16);
    const input = bytes("abc");
    buffer.append(input);
    input[0] = 120; // the caller reuses its buffer
    expect(text(buffer.since(0))).toBe("abc");
  });
});
