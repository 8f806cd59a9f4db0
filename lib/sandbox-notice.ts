import type { SandboxEvent } from "./learner-events";

/** What the page says about the learner's sandbox: under way, done, or failed. */
export type SandboxNotice = { tone: "busy" | "ok" | "bad"; text: string };

/** What a sandbox event means to the learner, in one sentence naming who did it. */
export function describeSandboxEvent(event: SandboxEvent, failedDuring: "restarting" | "replacing" = "restarting"): SandboxNotice {
  const instructor = event.by.kind === "instructor" ? event.by.name : null;
  switch (event.change) {
    case "restarting":
      return { tone: "busy", text: instructor ? `Your instructor ${instructor} is restarting your sandbox…` : "Restarting your sandbox… Your files, images and build cache are kept." };
    case "restarted":
      return {
        tone: "ok",
        text: instructor
          ? `Your instructor ${instructor} restarted your sandbox. Your files, images and build cache are kept.`
          : "You restarted your sandbox. Your files, images and build cache are kept; programs and containers that were running have stopped.",
      };
    case "replacing":
      return { tone: "busy", text: instructor ? `Your instructor ${instructor} is giving you a fresh sandbox…` : "Starting over with a fresh sandbox…" };
    case "replaced":
      return {
        tone: "ok",
        text: instructor
          ? `Your instructor ${instructor} gave you a fresh sandbox. Your progress is kept, and the exercise files are back in the editor.`
          : "You started over with a fresh sandbox. Your progress is kept, and the exercise files are back in the editor.",
      };
    case "failed":
      return {
        tone: "bad",
        text: `${failedDuring === "replacing" ? "Your fresh sandbox could not be made" : "Your sandbox could not be restarted"}${instructor ? ` (asked by your instructor ${instructor})` : ""}: ${(event.error ?? "try again").replace(/\.$/, "")}.`,
      };
  }
}

