import { describe, expect, it } from "vitest";
import { poolExcess, seatsToWarm } from "./seat-warmer";

describe("seatsToWarm", () => {
  it("warms every seat of an open room nobody holds, less the members holding a place", () => {
    const rooms = new Map([["w1", 3], ["w2", 2]]);
    expect(seatsToWarm(rooms, [])).toBe(5);
    expect(seatsToWarm(rooms, ["w1", null, null])).toBe(4);
  });

  it("never counts a full room below zero, and warms nothing without rooms", () => {
    expect(seatsToWarm(new Map([["w1", 1]]), ["w1", "w1"])).toBe(0);
    expect(seatsToWarm(new Map(), ["w1", null])).toBe(0);
  });
});

describe("poolExcess", () => {
  it("releases what is beyond the target, keeping sandboxes about to be handed to admitted learners", () => {
    expect(poolExcess(5, 2, 0)).toBe(3);
    expect(poolExcess(5, 2, 1)).toBe(2);
    expect(poolExcess(2, 2, 0)).toBe(0);
    expect(poolExcess(1, 3, 0)).toBe(0);
  });
});
