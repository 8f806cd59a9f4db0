import "server-only";
import { healthFlags, judgeContainerHealth } from "@/lib/checks/container-health";
import { judgeProjectScript } from "@/lib/checks/project-script";
import type { Check, SpecOf } from "./check";

/** Checks that run what the learner's project runs: its HEALTHCHECK under Docker's own clock, its start script. */

// Waits in one exec while Docker still says "starting" (or, before the first probe, nothing); prints `STATUS EXITCODE`.
const AWAIT_HEALTH = `for _ in $(seq 1 $(( $2 * 2 + 20 ))); do
  s=$(docker container inspect --format '{{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$1") || exit 1
  case "$s" in "running "*" starting") sleep 0.5 ;; *) break ;; esac
done
echo "$s"`;

const containerHealth: Check<SpecOf<"container-health">> = {
  run: async (spec, sandbox) => {
    const name = sandbox.scratchName();
    try {
      const run = await sandbox.docker(["container", "run", "-d", "--name", name, ...healthFlags(spec), spec.image]);
      if (run.exitCode !== 0) return judgeContainerHealth(spec, { run });
      const waited = await sandbox.bash(AWAIT_HEALTH, [name, String(spec.startSeconds)], (spec.startSeconds + 40) * 1000);
      const [status, exitCode] = waited.stdout.trim().split(" ");
      const health = await sandbox.docker(["container", "inspect", "--format", "{{json .State.Health}}\n{{json .Config.Healthcheck}}", name]);
      const [healthJson, healthcheckJson] = health.stdout.trim().split("\n");
      const logs = status === "running" ? undefined : await sandbox.docker(["container", "logs", "--tail", "40", name]);
      return judgeContainerHealth(spec, { run, state: `${status} ${exitCode}`, health: healthJson, healthcheck: healthcheckJson, logs });
    } finally {
      await sandbox.docker(["container", "rm", "-f", name]);
    }
  },
};

const scriptRuns: Check<SpecOf<"script-runs">> = {
  run: async (spec, sandbox) =>
    judgeProjectScript(spec, await sandbox.bash('cd "$1" && shift && exec bash "$@"', [sandbox.path("."), spec.script, ...spec.args], spec.timeoutSeconds * 1000)),
};

export const drillProjectChecks = { "container-health": containerHealth, "script-runs": scriptRuns };
