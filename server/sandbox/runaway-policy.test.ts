import { describe, expect, it } from "vitest";
import { decideRunaway, DEFAULT_RUNAWAY_POLICY, INITIAL_RUNAWAY_STATE, type RunawayAction, type RunawaySample, type RunawayState } from "./runaway-policy";

const policy = { ...DEFAULT_RUNAWAY_POLICY, windowMs: 60_000 };
const STEP = 10_000;

/** Feeds samples 10 s apart: `cpus` used in each interval, and the rest of the sample as given. */
function run(steps: { cpus: number; input?: number | null; pids?: number; forkFailures?: number }[], start: Partial<RunawaySample> = {}) {
  let state: RunawayState = INITIAL_RUNAWAY_STATE;
  let usage = 5e9;
  let events = 0;
  const log: RunawayAction[][] = [];
  steps.forEach((step, i) => {
    usage += step.cpus * STEP * 1e6;
    events += step.forkFailures ?? 0;
    const sample: RunawaySample = {
      at: 1_000_000 + i * STEP,
      cpuUsageNs: usage,
      cpuDemand: i === 0 ? null : step.cpus,
      cpuLimit: 1,
      pidsCurrent: step.pids ?? 20,
      pidsMax: 512,
      pidsMaxEvents: events,
      lastInputAt: step.input ?? null,
      ...start,
    };
    const result = decideRunaway(state, sample, policy);
    state = result.state;
    log.push(result.actions);
  });
  return { state, log, types: log.map((a) => a.map((x) => x.type).join(",")) };
}

const burn = (n: number, extra: { input?: number | null } = {}) => Array.from({ length: n }, () => ({ cpus: 1, ...extra }));

describe("decideRunaway: CPU", () => {
  it("throttles a sandbox that burned its whole share for the window with no input, once", () => {
    // Sample 0 is the baseline; samples 1..6 cover 60 s of burning.
    const { types } = run(burn(9));
    expect(types.slice(0, 6).every((t) => t === "")).toBe(true);
    expect(types[6]).toBe("throttle");
    expect(types.slice(7).every((t) => t === "")).toBe(true);
  });

  it("leaves a sandbox that is busy for less than the window, or not quite at its limit", () => {
    expect(run(burn(6)).types.join("")).toBe("");
    expect(run(burn(20).map(() => ({ cpus: 0.8 }))).types.join("")).toBe("");
    // A dip in the middle starts the window over.
    expect(run([...burn(5), { cpus: 0.1 }, ...burn(5)]).types.join("")).toBe("");
  });

  it("does not throttle while the learner types, and does once they stop for the window", () => {
    // Positive control first: the same burn without input is throttled (above); with input every sample, never.
    const typing = Array.from({ length: 20 }, (_, i) => ({ cpus: 1, input: 1_000_000 + i * STEP - 1 }));
    expect(run(typing).types.join("")).toBe("");
    // Typing stops at sample 4; the burn has lasted the window by sample 6, the silence only by sample 10.
    const stops = Array.from({ length: 12 }, (_, i) => ({ cpus: 1, input: 1_000_000 + Math.min(i, 4) * STEP }));
    const { types } = run(stops);
    expect(types.indexOf("throttle")).toBe(10);
  });

  it("lifts the throttle when the learner types after it, and can throttle again later", () => {
    const throttledAt = 1_000_000 + 6 * STEP;
    const steps = [...burn(7), { cpus: 0.1 }, { cpus: 0.1, input: throttledAt + 15_000 }, ...burn(7, { input: throttledAt + 15_000 })];
    const { types } = run(steps);
    expect(types[6]).toBe("throttle");
    expect(types[8]).toBe("lift");
    // Burning again with no new input: the window runs from the lift, not from before.
    expect(types.slice(9, 14).join("")).toBe("");
    expect(types[14]).toBe("throttle");
  });

  it("forgets everything when the sandbox was restarted (its counters start over)", () => {
    let state: RunawayState = { ...INITIAL_RUNAWAY_STATE, previous: { at: 100_000, cpuUsageNs: 9e12, pidsMaxEvents: 3 }, throttledAt: 50_000, busySince: 0 };
    const r = decideRunaway(state, { at: 110_000, cpuUsageNs: 1e9, cpuDemand: 1, cpuLimit: 1, pidsCurrent: 5, pidsMax: 512, pidsMaxEvents: 0, lastInputAt: null }, policy);
    state = r.state;
    expect(r.actions).toEqual([]);
    expect(state.throttledAt).toBeNull();
    expect(state.busySince).toBeNull();
  });
});

describe("decideRunaway: fork bomb", () => {
  it("kills the runaway after two samples at the process limit, telling the learner once a minute", () => {
    const bomb = Array.from({ length: 8 }, () => ({ cpus: 1, pids: 512, forkFailures: 40 }));
    const { log } = run(bomb);
    expect(log.map((a) => a.filter((x) => x.type === "kill-runaway"))).toEqual([
      [],
      [{ type: "kill-runaway", notify: true }],
      [],
      [{ type: "kill-runaway", notify: false }],
      [],
      [{ type: "kill-runaway", notify: false }],
      [],
      [{ type: "kill-runaway", notify: true }],
    ]);
  });

  it("counts failed forks between samples as being at the limit, even when the sample caught fewer processes", () => {
    const { types } = run([{ cpus: 1 }, { cpus: 1, pids: 300, forkFailures: 12 }, { cpus: 1, pids: 200, forkFailures: 5 }]);
    expect(types[2]).toContain("kill-runaway");
  });

  it("leaves a sandbox that touched its limit once, or runs many processes under it", () => {
    expect(run([{ cpus: 0.2 }, { cpus: 0.2, pids: 512 }, { cpus: 0.2 }, { cpus: 0.2, pids: 512 }]).types.join("")).toBe("");
    expect(run(Array.from({ length: 6 }, () => ({ cpus: 0.2, pids: 500 }))).types.join("")).toBe("");
  });
});
