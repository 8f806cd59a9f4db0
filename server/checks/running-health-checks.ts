import "server-only";
import { RUNNING_HEALTH_NO_CONTAINER, judgeRunningHealth } from "@/lib/checks/running-health";
import type { Check, SpecOf } from "./check";

// Args: container, seconds. Waits while the container runs and its health is `starting` (the first
// probes have not decided), then prints its inspect. Polling in the sandbox costs one exec, not one a probe.
const WAIT_AND_INSPECT = `
state() { docker container inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' "$1" 2>/dev/null; }
s=$(state "$1") || exit ${RUNNING_HEALTH_NO_CONTAINER}
end=$((SECONDS + $2))
while [ "$s" = "running starting" ] && [ "$SECONDS" -lt "$end" ]; do sleep 0.5; s=$(state "$1") || break; done
exec docker container inspect "$1"
`;

const runningHealth: Check<SpecOf<"running-health">> = {
  run: async (spec, sandbox) =>
    judgeRunningHealth(spec, await sandbox.bash(WAIT_AND_INSPECT, [spec.name, String(spec.waitSeconds)], (spec.waitSeconds + 15) * 1000)),
};

export const runningHealthChecks = { "running-health": runningHealth };
