import { randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isWellFormedJoinCode, JOIN_CODE_ALPHABET, newJoinCode, normalizeJoinCode } from "./join-code";

describe("join codes", () => {
  it("are six characters with no look-alikes", () => {
    for (const c of "0O1IL") expect(JOIN_CODE_ALPHABET).not.toContain(c);
    for (let i = 0; i < 200; i++) {
      const code = newJoinCode(randomInt);
      expect(code).toHaveLength(6);
      expect(isWellFormedJoinCode(code)).toBe(true);
    }
  });

  it("forgive case, spaces and dashes as typed", () => {
    expect(normalizeJoinCode(" k7q-x2m ")).toBe("K7QX2M");
    expect(isWellFormedJoinCode(normalizeJoinCode("k7q x2m"))).toBe(true);
    expect(isWellFormedJoinCode("K7QX2")).toBe(false);
    expect(isWellFormedJoinCode("K7QX2O")).toBe(false);
  });
});
