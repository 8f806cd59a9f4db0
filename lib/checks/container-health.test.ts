import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "./check-spec";
import { judgeContainerHealth, type ContainerHealthSpec } from "./container-health";

const spec = checkSpecSchema.parse({ id: "h", title: "t", kind: "container-health", image: "drill/wiki" }) as ContainerHealthSpec;
const started = { stdout: "4f1c…\n", stderr: "", exitCode: 0, timedOut: false };

// Recorded from Docker 26 in a sandbox: busybox httpd whose HEALTHCHECK calls curl (busybox has none), the same with
// busybox's wget, and a container whose image has no HEALTHCHECK.
const unhealthy = { health: "{\"Status\":\"unhealthy\",\"FailingStreak\":7,\"Log\":[{\"Start\":\"2026-11-30T12:57:10.652173406Z\",\"End\":\"2026-11-30T12:57:11.028428262Z\",\"ExitCode\":1,\"Output\":\"/bin/sh: curl: not found\\n\"},{\"Start\":\"2026-11-30T12:57:12.032827772Z\",\"End\":\"2026-11-30T12:57:12.409458846Z\",\"ExitCode\":1,\"Output\":\"/bin/sh: curl: not found\\n\"},{\"Start\":\"2026-11-30T12:57:13.411172092Z\",\"End\":\"2026-11-30T12:57:13.515146181Z\",\"ExitCode\":1,\"Output\":\"/bin/sh: curl: not found\\n\"},{\"Start\":\"2026-11-30T12:57:14.575227892Z\",\"End\":\"2026-11-30T12:57:15.034746068Z\",\"ExitCode\":1,\"Output\":\"/bin/sh: curl: not found\\n\"},{\"Start\":\"2026-11-30T12:57:16.038529602Z\",\"End\":\"2026-11-30T12:57:16.235137604Z\",\"ExitCode\":1,\"Output\":\"/bin/sh: curl: not found\\n\"}]}", healthcheck: "{\"Test\":[\"CMD-SHELL\",\"curl -fsS http://localhost:8080/ || exit 1\"],\"Interval\":1000000000,\"StartPeriod\":1000000000,\"StartInterval\":1000000000,\"Retries\":2}" };
const healthy = { health: "{\"Status\":\"healthy\",\"FailingStreak\":0,\"Log\":[{\"Start\":\"2026-11-30T12:57:11.892371549Z\",\"End\":\"2026-11-30T12:57:12.022847543Z\",\"ExitCode\":0,\"Output\":\"\"},{\"Start\":\"2026-11-30T12:57:13.025309696Z\",\"End\":\"2026-11-30T12:57:13.340297522Z\",\"ExitCode\":0,\"Output\":\"\"},{\"Start\":\"2026-11-30T12:57:14.364083561Z\",\"End\":\"2026-11-30T12:57:14.702267842Z\",\"ExitCode\":0,\"Output\":\"\"},{\"Start\":\"2026-11-30T12:57:15.703076487Z\",\"End\":\"2026-11-30T12:57:15.803322033Z\",\"ExitCode\":0,\"Output\":\"\"},{\"Start\":\"2026-11-30T12:57:16.805716841Z\",\"End\":\"2026-11-30T12:57:17.246315572Z\",\"ExitCode\":0,\"Output\":\"\"}]}", healthcheck: "{\"Test\":[\"CMD-SHELL\",\"wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1\"],\"Interval\":1000000000,\"StartPeriod\":1000000000,\"StartInterval\":1000000000,\"Retries\":2}" };

describe("container-health on recorded docker inspect output", () => {
  it("passes a healthy container and names its probe", () => {
    expect(judgeContainerHealth(spec, { run: started, state: "running 0", ...healthy })).toEqual({
      passed: true,
      message: "A container from drill/wiki:latest is healthy: `wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1` succeeds.",
    });
  });

  it("fails an unhealthy one with what its last probe printed", () => {
    const result = judgeContainerHealth(spec, { run: started, state: "running 0", ...unhealthy });
    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      "A container from drill/wiki:latest is unhealthy: its HEALTHCHECK `curl -fsS http://localhost:8080/ || exit 1` failed 7 times in a row: it printed `/bin/sh: curl: not found` (exit code 1).",
    );
  });

  it("says so when the image has no HEALTHCHECK", () => {
    expect(judgeContainerHealth(spec, { run: started, state: "running 0", health: "null", healthcheck: "null" }).message).toBe(
      "drill/wiki:latest has no HEALTHCHECK, so Docker cannot tell whether the app inside works.",
    );
  });

  it("reports a container that stopped, and an image that is not there", () => {
    const stopped = judgeContainerHealth(spec, { run: started, state: "exited 2", ...unhealthy, logs: { stdout: "", stderr: "httpd: bind: Address in use\n", exitCode: 0, timedOut: false } });
    expect(stopped).toEqual({ passed: false, message: "A container from drill/wiki:latest stopped (exit code 2) before its health was known.", details: "httpd: bind: Address in use" });
    const missing = { stdout: "", stderr: "Unable to find image 'drill/wiki:latest' locally\ndocker: Error response from daemon: pull access denied for drill/wiki\n", exitCode: 125, timedOut: false };
    expect(judgeContainerHealth(spec, { run: missing }).message).toBe("There is no image drill/wiki:latest to start yet. Build it with -t drill/wiki:latest.");
  });
});
