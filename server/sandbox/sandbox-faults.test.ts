import { describe, expect, it } from "vitest";
import { assessHealth, DEFAULT_WEDGE_POLICY, INITIAL_HEALTH_STATE, recoveryMessage, wedgeOf, type HealthSample, type HealthState } from "./sandbox-faults";

const policy = { ...DEFAULT_WEDGE_POLICY, memoryWindowMs: 15_000, processWindowMs: 45_000 };

/** Feeds samples 5 s apart from a healthy start; returns the suspicion after each. */
function run(samples: Partial<HealthSample>[]): (string | null)[] {
  let state: HealthState = INITIAL_HEALTH_STATE;
  let last: HealthSample = { at: 0, docker: "ok", oomKills: 0, pidsMaxEvents: 0, pidsCurrent: 40, pidsMax: 512 };
  return samples.map((s, i) => {
    last = { ...last, docker: "ok", ...s, at: (i + 1) * 5000 };
    const result = assessHealth(state, last, policy);
    state = result.state;
    return result.suspect;
  });
}

describe("assessHealth", () => {
  it("suspects nothing in a healthy sandbox (positive control for every rule below)", () => {
    expect(run([{}, {}, {}, {}, {}])).toEqual([null, null, null, null, null]);
  });

  it("suspects Docker at once when nothing listens on its socket, and after two unanswered pings", () => {
    expect(run([{}, { docker: "refused" }])).toEqual([null, "docker"]);
    expect(run([{}, { docker: "missing" }])).toEqual([null, "docker"]);
    expect(run([{}, { docker: "timeout" }, { docker: "ok" }, { docker: "timeout" }, { docker: "timeout" }])).toEqual([null, null, null, null, "docker"]);
  });

  it("suspects memory only when OOM kills go on for the whole window; one kill (a build that overshot) is not a wedge", () => {
    expect(run([{}, { oomKills: 1 }, { oomKills: 1 }, { oomKills: 1 }, { oomKills: 1 }])).toEqual([null, null, null, null, null]);
    expect(run([{}, { oomKills: 3 }, { oomKills: 9 }, { oomKills: 20 }])).toEqual([null, null, null, "memory"]);
  });

  it("judges a memory storm, not the Docker it killed, until the window is full", () => {
    expect(run([{}, { oomKills: 3, docker: "refused" }, { oomKills: 9, docker: "refused" }, { oomKills: 20, docker: "refused" }])).toEqual([null, null, null, "memory"]);
  });

  it("suspects processes only after forks were refused at the limit for the whole window (the runaway watchdog acts first)", () => {
    const events = Array.from({ length: 10 }, (_, i) => ({ pidsMaxEvents: (i + 1) * 100 }));
    const suspects = run([{}, ...events]);
    // The run counts from the last round without refused forks (the first sample, 5 s before the second).
    expect(suspects.indexOf("processes")).toBe(45_000 / 5000);
    expect(suspects.slice(0, 45_000 / 5000).every((s) => s === null)).toBe(true);
  });

  it("counts a sandbox sitting at its process limit as refused forks, though the shell's retries pause between them", () => {
    const atLimit = Array.from({ length: 10 }, () => ({ pidsCurrent: 511 }));
    expect(run([{}, ...atLimit]).indexOf("processes")).toBe(45_000 / 5000);
    expect(run([{}, ...Array.from({ length: 10 }, () => ({ pidsCurrent: 400 }))])).not.toContain("processes");
  });

  it("starts over when the counters go back (a restarted sandbox has a new cgroup)", () => {
    expect(run([{ oomKills: 50 }, { oomKills: 60 }, { oomKills: 70 }, { oomKills: 0 }, { oomKills: 0 }])).toEqual([null, null, null, null, null]);
  });
});

describe("wedgeOf", () => {
  it("reads how a command failed in a wedged sandbox", () => {
    expect(wedgeOf({ exitCode: 0, timedOut: false, stderr: "" })).toBeNull();
    expect(wedgeOf({ exitCode: 1, timedOut: false, stderr: "docker: not found" })).toBeNull();
    expect(wedgeOf({ exitCode: 137, timedOut: false, stderr: "" })).toBe("memory");
    expect(wedgeOf({ exitCode: 254, timedOut: false, stderr: "bash: fork: retry: Resource temporarily unavailable" })).toBe("processes");
    expect(wedgeOf({ exitCode: 1, timedOut: false, stderr: "sh: cannot fork: Cannot allocate memory" })).toBe("memory");
    expect(wedgeOf({ exitCode: 124, timedOut: true, stderr: "" })).toBe("unresponsive");
  });
});

describe("recoveryMessage", () => {
  it("says what happened, what the lab did and what it means for the learner's work", () => {
    expect(recoveryMessage("docker", "docker-restarted", { memoryMb: 2048, pids: 2048 })).toBe(
      "Docker stopped answering in your sandbox, so the lab started Docker again. Your images are kept; containers that were running stopped with it.",
    );
    expect(recoveryMessage("memory", "restarted", { memoryMb: 2048, pids: 2048 })).toMatch(/^Your sandbox ran out of memory: .*its limit is 2 GB.*, so the lab restarted it\. Your files and images are kept/);
    expect(recoveryMessage("gone", "replaced", { memoryMb: 2048, pids: 2048 })).toMatch(/gave you a new one\. The exercise files of your chapters are back in place/);
  });
});
