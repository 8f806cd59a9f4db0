import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "./check-spec";
import { recorded } from "./fixtures/recorded";
import { judgeRunningHealth, type RunningHealthSpec } from "./running-health";

// Recorded in a real sandbox with the check's own wait-and-inspect command: `sick` runs busybox with
// HEALTHCHECK CMD curl … (busybox has no curl), `fine` with HEALTHCHECK CMD true, `plain` with none;
// there is no container `nosuch`.
const spec = (fields: Record<string, unknown>) => checkSpecSchema.parse({ id: "c", title: "t", kind: "running-health", ...fields }) as RunningHealthSpec;

describe("running-health on a real docker container inspect", () => {
  it("passes a healthy container, saying what its last probe did", () => {
    expect(judgeRunningHealth(spec({ name: "fine", status: "healthy" }), recorded("running-health-healthy"))).toMatchObject({
      passed: true,
      message: "fine is healthy: its last probe `true` exited 0 and printed nothing.",
    });
  });

  it("fails an unhealthy container with its last probe's exit code and output", () => {
    const result = judgeRunningHealth(spec({ name: "sick", status: "healthy" }), recorded("running-health-unhealthy"));
    expect(result.passed).toBe(false);
    expect(result.message).toBe("sick is unhealthy, not healthy: its last probe `curl -f http://localhost:8080/health || exit 1` exited 1 and printed `/bin/sh: curl: not found`.");
    expect(result.details).toContain("exit 1: /bin/sh: curl: not found");
  });

  it("passes an unhealthy container where unhealthy is wanted, and fails a healthy one", () => {
    expect(judgeRunningHealth(spec({ name: "sick", status: "unhealthy" }), recorded("running-health-unhealthy")).message).toMatch(/^sick is unhealthy after \d+ failed probes in a row: its last probe/);
    expect(judgeRunningHealth(spec({ name: "fine", status: "unhealthy" }), recorded("running-health-healthy"))).toMatchObject({ passed: false, message: "fine is healthy, not unhealthy: its last probe `true` exited 0 and printed nothing." });
  });

  it("says when the container has no health check, or does not exist", () => {
    expect(judgeRunningHealth(spec({ name: "plain", status: "healthy" }), recorded("running-health-no-check")).message).toMatch(/^plain \(from busybox\) has no health check/);
    expect(judgeRunningHealth(spec({ name: "nosuch", status: "healthy" }), recorded("running-health-missing")).message).toBe(
      "There is no container named nosuch. Start it with `docker container run -d --name nosuch IMAGE`.",
    );
  });

  it("judges a container still starting, and a stopped one", () => {
    const inspect = recorded("running-health-unhealthy");
    const [container] = JSON.parse(inspect.stdout);
    const starting = { ...container, State: { ...container.State, Health: { ...container.State.Health, Status: "starting", Log: [] } } };
    expect(judgeRunningHealth(spec({ name: "sick", status: "healthy", waitSeconds: 5 }), { ...inspect, stdout: JSON.stringify([starting]) }).message).toBe(
      "sick is still starting after 5 s: its health check has not decided yet (no probe has finished yet). Is its interval very long?",
    );
    const exited = { ...container, State: { ...container.State, Status: "exited", ExitCode: 2 } };
    expect(judgeRunningHealth(spec({ name: "sick", status: "healthy" }), { ...inspect, stdout: JSON.stringify([exited]) }).message).toMatch(/^sick is exited \(exit code 2\): only a running container has a health/);
  });
});
