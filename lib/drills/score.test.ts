import { describe, expect, it } from "vitest";
import { drillScore, effectiveMs, MAX_SCORE, MIN_PASSING_SCORE } from "./score";

const base = { elapsedMs: 0, hintsOpened: 0, hintCostSeconds: 60, parMinutes: 5 };

describe("drillScore", () => {
  it("gives full marks within par", () => {
    expect(drillScore({ ...base, elapsedMs: 4 * 60_000 })).toBe(MAX_SCORE);
  });

  it("halves at twice par", () => {
    expect(drillScore({ ...base, elapsedMs: 10 * 60_000 })).toBe(500);
  });

  it("counts each hint as its cost in time", () => {
    expect(effectiveMs({ ...base, elapsedMs: 60_000, hintsOpened: 2 })).toBe(180_000);
    expect(drillScore({ ...base, elapsedMs: 4 * 60_000, hintsOpened: 6 })).toBe(500);
  });

  it("never goes below the floor for a fix", () => {
    expect(drillScore({ ...base, elapsedMs: 10 * 60 * 60_000 })).toBe(MIN_PASSING_SCORE);
  });
});
