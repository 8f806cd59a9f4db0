import { describe, expect, it } from "vitest";
import { chapterColumns, chapterSummary, isFolded } from "./room-columns";
import { roomSteps, roomView, type RoomLearner, type RoomRow } from "./room";

const T0 = Date.UTC(2026, 10, 30, 9, 0);
const steps = roomSteps([
  { id: "anatomy", title: "Anatomy of a Dockerfile", steps: [{ id: "build", title: "Build" }] },
  { id: "layers", title: "Layers are additive", steps: [{ id: "fat", title: "Fat" }, { id: "slim", title: "Slim" }] },
]);

const passed = (chapterId: string, stepId: string) => ({ chapterId, stepId, passed: true, hintsOpened: 0, solutionRevealed: false, lastVerdict: "All checks pass.", updatedAt: T0, completedAt: T0 });

function rows(learners: Partial<RoomLearner>[]): RoomRow[] {
  const full = learners.map((l, i) => ({ learnerId: `l${i}`, displayName: `L${i}`, joinedAt: T0, activityAt: null, progress: [], runs: [], ...l }));
  return roomView({ workshopId: "w", steps, learners: full, settings: { stuckAfterMinutes: 10, repeatedFailures: 3 }, now: T0 + 60_000 }).rows;
}

describe("chapterColumns", () => {
  it("groups the step columns by chapter, in the workshop's order, with the chapter's title", () => {
    const groups = chapterColumns(steps, rows([{}]));
    expect(groups.map((g) => [g.number, g.title, g.indexes])).toEqual([
      [1, "Anatomy of a Dockerfile", [0]],
      [2, "Layers are additive", [1, 2]],
    ]);
  });

  it("folds a chapter by default only once everyone in the room finished it; the instructor's choice wins", () => {
    const room = rows([{ progress: [passed("anatomy", "build"), passed("layers", "fat")] }, { progress: [passed("anatomy", "build")] }]);
    const [anatomy, layers] = chapterColumns(steps, room);
    expect([anatomy.finishedByAll, layers.finishedByAll]).toEqual([true, false]);
    expect([isFolded(anatomy, {}), isFolded(layers, {})]).toEqual([true, false]);
    expect(isFolded(anatomy, { anatomy: "open" })).toBe(false);
    expect(isFolded(layers, { layers: "folded" })).toBe(true);
    // Positive control for the default: one learner more who has not finished it, and it stays open.
    const [stillOpen] = chapterColumns(steps, [...room, ...rows([{}])]);
    expect(isFolded(stillOpen, {})).toBe(false);
    // An empty room has finished nothing.
    expect(chapterColumns(steps, []).some((g) => g.finishedByAll)).toBe(false);
  });

  it("summarises a learner's chapter in a folded column: passed of total, failing when a step is", () => {
    const [row] = rows([{ progress: [passed("layers", "fat")] }]);
    const layers = chapterColumns(steps, [row])[1];
    expect(chapterSummary(row, layers)).toEqual({ passed: 1, total: 2, status: "not-started" });
    const failing = { ...row, cells: row.cells.map((c, i) => (i === 2 ? { ...c, status: "failing" as const } : c)) };
    expect(chapterSummary(failing, layers)).toEqual({ passed: 1, total: 2, status: "failing" });
    const done = { ...row, cells: row.cells.map((c) => ({ ...c, status: "passed" as const })) };
    expect(chapterSummary(done, layers)).toEqual({ passed: 2, total: 2, status: "passed" });
  });
});
