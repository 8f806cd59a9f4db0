import { describe, expect, it } from "vitest";
import { lowestFreeRange } from "./id-ranges";

describe("lowestFreeRange", () => {
  const allotment: [number, number] = [2_000_000, 3_000_000];

  it("starts at the allotment when nothing is taken", () => {
    expect(lowestFreeRange([], allotment, 200_000)).toBe(2_000_000);
  });

  it("skips a hole smaller than the size and takes the first one that fits", () => {
    const taken: [number, number][] = [
      [2_000_000, 2_200_000],
      [2_300_000, 2_500_000],
      [2_700_000, 2_900_000],
    ];
    expect(lowestFreeRange(taken, allotment, 200_000)).toBe(2_500_000);
  });

  it("reads taken ranges in any order, overlapping ones and ranges outside the allotment", () => {
    const taken: [number, number][] = [
      [2_150_000, 2_400_000],
      [0, 65_536],
      [2_000_000, 2_200_000],
    ];
    expect(lowestFreeRange(taken, allotment, 200_000)).toBe(2_400_000);
  });

  it("is null when no range of the size is left", () => {
    expect(lowestFreeRange([[2_100_000, 2_900_000]], allotment, 200_000)).toBeNull();
    expect(lowestFreeRange([], [2_000_000, 2_199_999], 200_000)).toBeNull();
  });
});
