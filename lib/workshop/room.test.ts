import { describe, expect, it } from "vitest";
import {
  csvField,
  mergeLearners,
  roomCsv,
  roomSteps,
  roomView,
  type RoomCheckRun,
  type RoomLearner,
  type RoomSnapshot,
} from "./room";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 9, 0);
const steps = roomSteps([
  {
    id: "small",
    steps: [
      { id: "base", title: "Pick a base" },
      { id: "apt", title: "Clean the apt lists" },
      { id: "user", title: "Run as a user" },
    ],
  },
]);

function learner(id: string, over: Partial<RoomLearner> = {}): RoomLearner {
  return { learnerId: id, displayName: id, joinedAt: T0, activityAt: null, progress: [], runs: [], ...over };
}

function passedStep(stepId: string, at: number) {
  return { chapterId: "small", stepId, passed: true, hintsOpened: 0, solutionRevealed: false, lastVerdict: "All checks pass.", updatedAt: at, completedAt: at };
}

function failedRun(stepId: string, checkId: string, message: string, at: number): RoomCheckRun {
  return {
    chapterId: "small",
    stepId,
    passed: false,
    at,
    checks: [
      { id: "builds", title: "It builds", status: "passed", message: "Built." },
      { id: checkId, title: checkId === "layer-size" ? "Layer sizes" : checkId, status: "failed", message },
    ],
  };
}

function snapshot(learners: RoomLearner[], now = T0 + 5 * MIN): RoomSnapshot {
  return { workshopId: "w1", steps, learners, settings: { stuckAfterMinutes: 10, repeatedFailures: 3 }, now };
}

describe("roomSteps", () => {
  it("numbers steps within one chapter, and chapter.step across several", () => {
    expect(steps.map((s) => s.label)).toEqual(["1", "2", "3"]);
    const two = roomSteps([
      { id: "a", steps: [{ id: "x", title: "X" }] },
      { id: "b", steps: [{ id: "y", title: "Y" }, { id: "z", title: "Z" }] },
    ]);
    expect(two.map((s) => s.label)).toEqual(["1.1", "2.1", "2.2"]);
  });
});

describe("roomView", () => {
  it("shows passed, failing and not-started cells with the failed checks as the tooltip", () => {
    const ada = learner("ada", {
      progress: [passedStep("base", T0 + MIN), { ...passedStep("apt", T0 + 2 * MIN), passed: false, completedAt: null, lastVerdict: "1 check fails." }],
      runs: [failedRun("apt", "layer-size", "layer 2 still holds 180 MB of apt lists", T0 + 2 * MIN)],
    });
    const [row] = roomView(snapshot([ada])).rows;
    expect(row.cells.map((c) => c.status)).toEqual(["passed", "failing", "not-started"]);
    expect(row.cells[1].detail).toBe("Layer sizes: layer 2 still holds 180 MB of apt lists");
    expect(row.passed).toBe(1);
    expect(row.failing).toMatchObject({ checkId: "layer-size", step: { label: "2" } });
    expect(row.lastActivityAt).toBe(T0 + 2 * MIN);
  });

  it("a step once passed stays passed even when a later run on it fails", () => {
    const ada = learner("ada", { progress: [passedStep("base", T0 + MIN)], runs: [failedRun("base", "image", "no image", T0 + 3 * MIN)] });
    const [row] = roomView(snapshot([ada])).rows;
    expect(row.cells[0].status).toBe("passed");
    expect(row.failing).toBeNull();
  });

  it("groups learners by the check they fail, in the learner's terms, biggest group first", () => {
    const learners = [
      ...["a", "b", "c"].map((id, i) =>
        learner(id, { progress: [passedStep("base", T0)], runs: [failedRun("apt", "layer-size", i === 2 ? "layer 2 still holds 90 MB" : "layer 2 still holds 180 MB", T0 + MIN)] }),
      ),
      learner("d", { runs: [failedRun("base", "image", "there is no image small:1", T0 + 2 * MIN), failedRun("base", "image", "there is no image small:1", T0 + MIN)] }),
      learner("e", { progress: [passedStep("base", T0)] }),
    ];
    const { groups } = roomView(snapshot(learners));
    expect(groups.map((g) => g.text)).toEqual([
      "3 failing step 2: Layer sizes: layer 2 still holds 180 MB",
      "1 failing step 1: image: there is no image small:1",
    ]);
    expect(groups[0].learnerIds).toEqual(["a", "b", "c"]);
  });

  it("a learner who only opened the chapter is not started, not failing: the lab's own first run is not theirs", () => {
    // Their shell's first prompt ran step 1's checks in an untouched sandbox: everything fails.
    const opened = learner("opened", {
      progress: [{ ...passedStep("base", T0 + MIN), passed: false, completedAt: null, lastVerdict: "2 checks fail." }],
      runs: [failedRun("base", "image", "there is no image small:1", T0 + MIN)],
    });
    // Positive control: the same run after a command of theirs (a second run on the step) is failing.
    const tried = learner("tried", {
      progress: [{ ...passedStep("base", T0 + 2 * MIN), passed: false, completedAt: null, lastVerdict: "2 checks fail." }],
      runs: [failedRun("base", "image", "there is no image small:1", T0 + 2 * MIN), failedRun("base", "image", "there is no image small:1", T0 + MIN)],
    });
    // A lone run on a later step follows work on an earlier one; a hint opened on the step is work on it too.
    const moved = learner("moved", { progress: [passedStep("base", T0 + MIN)], runs: [failedRun("apt", "layer-size", "180 MB", T0 + 2 * MIN)] });
    const hinted = learner("hinted", {
      progress: [{ ...passedStep("base", T0 + MIN), passed: false, completedAt: null, hintsOpened: 1, lastVerdict: "2 checks fail." }],
      runs: [failedRun("base", "image", "there is no image small:1", T0 + MIN)],
    });
    const view = roomView(snapshot([opened, tried, moved, hinted]));
    const byId = Object.fromEntries(view.rows.map((r) => [r.learnerId, r]));
    expect(byId.opened.cells.map((c) => c.status)).toEqual(["not-started", "not-started", "not-started"]);
    expect(byId.opened.failing).toBeNull();
    expect(byId.tried.cells[0].status).toBe("failing");
    expect(byId.tried.failing).toMatchObject({ checkId: "image" });
    expect(byId.moved.cells.map((c) => c.status)).toEqual(["passed", "failing", "not-started"]);
    expect(byId.hinted.cells[0].status).toBe("failing");
    // The banner names only learners who are failing, and does not call them stuck.
    expect(view.groups.map((g) => g.text)).toEqual(["2 failing step 1: image: there is no image small:1", "1 failing step 2: Layer sizes: 180 MB"]);
  });

  it("a group says how many of its learners are stuck, as the header counts them", () => {
    const runs = [3, 2, 1].map((m) => failedRun("apt", "layer-size", "180 MB", T0 + m * MIN));
    const stuck = learner("stuck", { progress: [passedStep("base", T0)], runs });
    const fresh = learner("fresh", { progress: [passedStep("base", T0)], runs: runs.slice(0, 1) });
    const view = roomView(snapshot([stuck, fresh]));
    expect(view.rows.filter((r) => r.stuck).map((r) => r.learnerId)).toEqual(["stuck"]);
    expect(view.groups.map((g) => g.text)).toEqual(["2 failing step 2 (1 stuck): Layer sizes: 180 MB"]);
  });

  it("flags a learner stuck after N minutes without progress, but not one who finished", () => {
    const idle = learner("idle", { progress: [passedStep("base", T0 + MIN)] });
    const done = learner("done", { progress: steps.map((s) => passedStep(s.stepId, T0 + MIN)) });
    const busy = learner("busy", { progress: [passedStep("base", T0 + 9 * MIN)] });
    const rows = roomView(snapshot([idle, done, busy], T0 + 12 * MIN)).rows;
    const byId = Object.fromEntries(rows.map((r) => [r.learnerId, r]));
    expect(byId.idle.stuck).toEqual({ kind: "idle", minutes: 11 });
    expect(byId.done.stuck).toBeNull();
    expect(byId.done.finished).toBe(true);
    expect(byId.busy.stuck).toBeNull();
  });

  it("flags a learner stuck when the same check fails K times in a row, not when the failures differ", () => {
    const runs = (ids: string[]) => ids.map((id, i) => failedRun("apt", id, "why", T0 + (ids.length - i) * MIN));
    const repeated = learner("rep", { runs: runs(["layer-size", "layer-size", "layer-size", "image"]) });
    // The same three runs, the oldest being the lab's own first look: two of them are the learner's.
    const opened = learner("opened", { runs: runs(["layer-size", "layer-size", "layer-size"]) });
    const varied = learner("var", { runs: runs(["layer-size", "image", "layer-size"]) });
    const rows = roomView(snapshot([repeated, varied, opened])).rows;
    const byId = Object.fromEntries(rows.map((r) => [r.learnerId, r]));
    expect(byId.rep.stuck).toMatchObject({ kind: "repeated", times: 3, check: { checkId: "layer-size" } });
    expect(byId.var.stuck).toBeNull();
    expect(byId.opened.stuck).toBeNull();
    expect(byId.opened.failing).toMatchObject({ checkId: "layer-size" });
  });

  it("counts hints opened and solutions revealed over steps", () => {
    const ada = learner("ada", {
      progress: [
        { ...passedStep("base", T0), hintsOpened: 2 },
        { ...passedStep("apt", T0), passed: false, hintsOpened: 1, solutionRevealed: true },
      ],
    });
    const [row] = roomView(snapshot([ada])).rows;
    expect(row.hintsOpened).toBe(3);
    expect(row.solutionsRevealed).toBe(1);
  });

  it("merges fresher facts about one learner into the snapshot", () => {
    const base = snapshot([learner("ada"), learner("bob")]);
    const merged = mergeLearners(base, [learner("ada", { progress: [passedStep("base", T0 + MIN)] })], T0 + 6 * MIN);
    expect(merged.learners).toHaveLength(2);
    expect(roomView(merged).rows.find((r) => r.learnerId === "ada")!.passed).toBe(1);
    expect(merged.now).toBe(T0 + 6 * MIN);
  });
});

describe("CSV", () => {
  it("quotes commas, quotes and line breaks, and defuses formulas", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("-x, y")).toBe("\"'-x, y\"");
    expect(csvField(3)).toBe("3");
    expect(csvField(null)).toBe("");
  });

  it("exports one line per learner and one column per step", () => {
    const ada = learner("Ada, the first", {
      progress: [passedStep("base", T0 + MIN)],
      runs: [failedRun("apt", "layer-size", 'layer 2 holds "180 MB"', T0 + 2 * MIN)],
    });
    const csv = roomCsv(snapshot([ada]));
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(
      "learner,steps passed,steps total,hints opened,solutions revealed,stuck,failing check,last activity (UTC),step 1: Pick a base,step 2: Clean the apt lists,step 3: Run as a user",
    );
    expect(lines[1]).toBe(
      `"Ada, the first",1,3,0,0,,"step 2: Layer sizes: layer 2 holds ""180 MB""",2026-11-23T09:02:00.000Z,passed,failing,not started`,
    );
    expect(lines[2]).toBe("");
  });
});
