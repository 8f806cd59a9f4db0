import { describe, expect, it } from "vitest";
import { drillVariant, loadDrills } from "../content/drills";
import type { DrillAttempt } from "../db/drill-attempts";
import { attemptView } from "./learner-drill";

const drill = (await loadDrills()).find((d) => d.id === "arg-scope")!;
const attempt = (over: Partial<DrillAttempt> = {}): DrillAttempt => ({
  id: "a1",
  learnerId: "l1",
  drillId: drill.id,
  seed: 7,
  workshopId: null,
  startedAt: new Date("2026-01-01T10:00:00Z"),
  finishedAt: null,
  hintsOpened: 1,
  gaveUp: false,
  passed: false,
  score: 0,
  timeMs: null,
  checkRuns: 0,
  ...over,
});

describe("attemptView", () => {
  it("shows only the opened hints and no fix while the attempt runs", () => {
    const variant = drillVariant(drill, 7);
    const view = attemptView(drill, attempt(), variant);
    expect(view.hints).toEqual(variant.hints.slice(0, 1));
    expect(view.hintCount).toBe(variant.hints.length);
    expect(view.fix).toBeNull();
    expect(view.goal).toContain(variant.values.version);
    expect(view.files).toEqual(["Dockerfile"]);
  });

  it("shows the variant's reference fix once the attempt is over", () => {
    const variant = drillVariant(drill, 7);
    const view = attemptView(drill, attempt({ finishedAt: new Date(), gaveUp: true }), variant);
    expect(view.fix?.files[0].content).toContain(`ARG VERSION=${variant.values.version}`);
    expect(view.fix?.notes).toContain("ARG");
  });
});
