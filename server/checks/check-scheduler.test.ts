import { describe, expect, it } from "vitest";
import type { StepVerdictView } from "@/lib/learner-events";
import { CheckScheduler, type StepRef } from "./check-scheduler";

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const pass: StepVerdictView = { passed: true, checks: [] };
const step: StepRef = { chapterId: "c", stepId: "s" };

function harness() {
  const runs: { step: StepRef; done: ReturnType<typeof deferred<StepVerdictView>> }[] = [];
  const verdicts: StepVerdictView[] = [];
  const scheduler = new CheckScheduler({
    run: (_learner, s) => {
      const done = deferred<StepVerdictView>();
      runs.push({ step: s, done });
      return done.promise;
    },
    onChecking: () => {},
    onVerdict: (_l, _s, v) => verdicts.push(v),
  });
  return { scheduler, runs, verdicts };
}

describe("CheckScheduler", () => {
  it("does nothing without a focused step", async () => {
    const { scheduler, runs } = harness();
    expect(await scheduler.request("a", "prompt")).toBeNull();
    expect(runs).toHaveLength(0);
  });

  it("checks a prompt that came before the page's focus once the focus comes, once", async () => {
    const { scheduler, runs } = harness();
    // The shell's first prompt beat the page's focus request.
    expect(await scheduler.request("a", "prompt")).toBeNull();
    expect(await scheduler.request("a", "prompt")).toBeNull();
    scheduler.focus("a", step);
    expect(runs.map((r) => r.step)).toEqual([step]);
    runs[0].done.resolve(pass);
    // Moving to another step later is not a prompt: nothing runs by itself.
    await Promise.resolve();
    scheduler.focus("a", { chapterId: "c", stepId: "t" });
    expect(runs).toHaveLength(1);
    // Another learner's early prompt is theirs alone.
    scheduler.focus("b", step);
    expect(runs).toHaveLength(1);
  });

  it("collapses a burst during a run into one follow-up run for the newest focus", async () => {
    const { scheduler, runs, verdicts } = harness();
    scheduler.focus("a", step);
    const first = scheduler.request("a", "prompt");
    const second = scheduler.request("a", "save");
    scheduler.focus("a", { chapterId: "c", stepId: "t" });
    const third = scheduler.request("a", "button");
    expect(runs).toHaveLength(1);
    runs[0].done.resolve(pass);
    expect(await first).toBe(pass);
    await Promise.resolve();
    expect(runs).toHaveLength(2);
    expect(runs[1].step.stepId).toBe("t");
    const fail: StepVerdictView = { passed: false, checks: [] };
    runs[1].done.resolve(fail);
    expect(await second).toBe(fail);
    expect(await third).toBe(fail);
    expect(verdicts).toEqual([pass, fail]);
  });

  it("runs learners independently", () => {
    const { scheduler, runs } = harness();
    scheduler.focus("a", step);
    scheduler.focus("b", step);
    void scheduler.request("a", "prompt");
    void scheduler.request("b", "prompt");
    expect(runs).toHaveLength(2);
  });

  it("a failing run resolves to null and does not block the next", async () => {
    const { scheduler, runs } = harness();
    scheduler.focus("a", step);
    const first = scheduler.request("a", "prompt");
    runs[0].done.promise.catch(() => {});
    (runs[0].done as unknown as { resolve: (v: unknown) => void }).resolve(Promise.reject(new Error("sandbox gone")));
    expect(await first).toBeNull();
    void scheduler.request("a", "prompt");
    expect(runs).toHaveLength(2);
  });
});
