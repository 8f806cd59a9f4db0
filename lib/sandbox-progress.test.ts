import { describe, expect, it } from "vitest";
import { describeSandboxProgress } from "./sandbox-progress";

describe("sandbox progress in the learner's words", () => {
  it("moves the bar forward phase by phase, the same for the terminal and the start stream", () => {
    const phases = ["starting sandbox", "starting Docker", "restoring your work", "ready"] as const;
    const percents = phases.map((phase) => describeSandboxProgress({ phase }).percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(new Set(percents).size).toBe(phases.length);
    expect(describeSandboxProgress({ phase: "starting Docker" }).message).toBe("Starting Docker inside your sandbox…");
  });

  it("says the place in line while queued, and what of the kept home was lost", () => {
    expect(describeSandboxProgress({ phase: "queued", position: 4 })).toEqual({ message: expect.stringMatching(/^The lab is full: you are number 4 in line\./), percent: 0 });
    expect(describeSandboxProgress({ phase: "restoring your work", note: "your images could not be kept" }).message).toBe(
      "Restoring your files and images from your last visit: your images could not be kept…",
    );
  });
});
