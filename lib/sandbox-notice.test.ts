import { describe, expect, it } from "vitest";
import { describeSandboxEvent } from "./sandbox-notice";

const learner = { kind: "learner" } as const;
const instructor = { kind: "instructor", name: "Erin" } as const;

describe("what the page says about the learner's sandbox", () => {
  it("names the instructor who reset it, and says the learner's own restart kept their work", () => {
    expect(describeSandboxEvent({ type: "sandbox", change: "replaced", by: instructor })).toEqual({
      tone: "ok",
      text: "Your instructor Erin gave you a fresh sandbox. Your progress is kept, and the exercise files are back in the editor.",
    });
    expect(describeSandboxEvent({ type: "sandbox", change: "restarted", by: learner }).text).toMatch(/^You restarted your sandbox\. Your files, images and build cache are kept/);
    expect(describeSandboxEvent({ type: "sandbox", change: "replacing", by: learner })).toMatchObject({ tone: "busy" });
  });

  it("a failure says what failed and why, once", () => {
    const failed = { type: "sandbox", change: "failed", by: learner, error: "Docker did not start." } as const;
    expect(describeSandboxEvent(failed, "replacing")).toEqual({ tone: "bad", text: "Your fresh sandbox could not be made: Docker did not start." });
    expect(describeSandboxEvent({ ...failed, by: instructor }).text).toBe("Your sandbox could not be restarted (asked by your instructor Erin): Docker did not start.");
  });
});
