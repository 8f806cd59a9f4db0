import { describe, expect, it } from "vitest";
import { admitFromQueue, hasPlaceFor, poolRoom, positionOf, type WaitingLearner } from "./admission-queue";

const none = new Map<string, number>();
const pub = (learnerId: string): WaitingLearner => ({ learnerId, workshopId: null });
const member = (learnerId: string, workshopId = "w1"): WaitingLearner => ({ learnerId, workshopId });

describe("admission queue", () => {
  it("admits first come, first served while places are free, and no more", () => {
    expect(admitFromQueue([pub("a"), pub("b"), pub("c")], { places: 2, holders: [], seats: none })).toEqual(["a", "b"]);
    expect(admitFromQueue([pub("a"), pub("b")], { places: 2, holders: [null, null], seats: none })).toEqual([]);
  });

  it("keeps a running workshop's free seats from the public", () => {
    // 5 places, 3 seats for w1 (one member holds a sandbox, so 2 seats free): the public gets 5 − 1 − 2 = 2.
    const occupancy = { places: 5, holders: ["w1"], seats: new Map([["w1", 3]]) };
    expect(admitFromQueue([pub("a"), pub("b"), pub("c")], occupancy)).toEqual(["a", "b"]);
    // Positive control: without the workshop the third gets in too.
    expect(admitFromQueue([pub("a"), pub("b"), pub("c")], { ...occupancy, seats: none })).toEqual(["a", "b", "c"]);
  });

  it("lets a member in ahead of the public waiting in front while their workshop has a seat", () => {
    // Full for the public (2 places, one public holder, one seat free for w1): the member behind is admitted.
    const occupancy = { places: 2, holders: [null], seats: new Map([["w1", 1]]) };
    expect(hasPlaceFor(null, occupancy)).toBe(false);
    expect(hasPlaceFor("w1", occupancy)).toBe(true);
    expect(admitFromQueue([pub("a"), member("m")], occupancy)).toEqual(["m"]);
  });

  it("makes members wait once their workshop's seats are all taken and no unreserved place is left", () => {
    const occupancy = { places: 3, holders: ["w1", "w1", null], seats: new Map([["w1", 2]]) };
    expect(admitFromQueue([member("m3"), pub("a")], occupancy)).toEqual([]);
    // A member beyond the seats competes for unreserved places like anyone.
    expect(admitFromQueue([member("m3"), pub("a")], { ...occupancy, places: 4 })).toEqual(["m3"]);
  });

  it("does not let one workshop's members take another running workshop's seats", () => {
    const occupancy = { places: 3, holders: [], seats: new Map([["w1", 1], ["w2", 2]]) };
    expect(admitFromQueue([member("a", "w1"), member("b", "w1"), member("c", "w2"), member("d", "w2"), member("e", "w2")], occupancy)).toEqual(["a", "c", "d"]);
  });

  it("numbers places in line from 1", () => {
    const queue = [pub("a"), member("m"), pub("b")];
    expect(positionOf(queue, "b")).toBe(3);
    expect(positionOf(queue, "nobody")).toBe(0);
  });

  it("fills the warm pool only within free places and never while learners wait", () => {
    expect(poolRoom(10, 3, 2, 0)).toBe(2);
    expect(poolRoom(4, 3, 2, 0)).toBe(1);
    expect(poolRoom(3, 3, 2, 0)).toBe(0);
    expect(poolRoom(10, 3, 2, 1)).toBe(0);
    expect(poolRoom(Infinity, 0, 2, 0)).toBe(2);
  });
});
