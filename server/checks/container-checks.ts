import "server-only";
import type { CheckResult } from "@/lib/checks/check-result";
import { judgeContainer, judgeContainerOutput } from "@/lib/checks/containers";
import { judgeContainerAnswers, judgeHttp, STATUS_MARKER } from "@/lib/checks/http-probe";
import { access, type Check, type CheckSandbox, type SpecOf } from "./check";

const container: Check<SpecOf<"container">> = {
  run: async (spec, sandbox) => {
    // Every container, running or not; `[]` when there is none (inspect with no names is an error).
    const ids = await sandbox.docker(["container", "ls", "-aq"]);
    const names = ids.stdout.split("\n").filter(Boolean);
    const inspect = ids.exitCode !== 0 ? ids : names.length ? await sandbox.docker(["container", "inspect", ...names]) : { ...ids, stdout: "[]" };
    // A container removed between the listing and the inspect makes inspect fail for it alone; the rest is still good.
    const listed = inspect.stdout.trim().startsWith("[") ? { ...inspect, exitCode: 0 } : inspect;
    const imageId = spec.image ? (await sandbox.docker(["image", "inspect", "--format", "{{.Id}}", spec.image])).stdout.trim() : "";
    return judgeContainer(spec, { inspect: listed, imageId: imageId || undefined });
  },
};

/** curl that keeps trying while the app starts, and prints the status after the body. */
function curl(sandbox: CheckSandbox, url: string, retrySeconds: number, extra: string[] = []) {
  const retry = retrySeconds > 0 ? ["--retry", "30", "--retry-all-errors", "--retry-delay", "1", "--retry-max-time", String(retrySeconds)] : [];
  return sandbox.bash('exec curl -sS --max-time 5 "$@"', [...retry, ...extra, "-w", `${STATUS_MARKER}%{http_code}`, url], (retrySeconds + 10) * 1000);
}

const http: Check<SpecOf<"http">> = {
  run: async (spec, sandbox) => judgeHttp(spec, await curl(sandbox, spec.url, 0, access(sandbox, spec))),
};

/** RUN's verdict, or the one that passed before for the same image (by id) and spec; `--pull always` is always run. */
async function sameImageSameAnswer(spec: SpecOf<"container-answers" | "container-output">, sandbox: CheckSandbox, run: () => Promise<CheckResult>): Promise<CheckResult> {
  if (spec.kind === "container-output" && spec.pull) return run();
  const id = await sandbox.docker(["image", "inspect", "--format", "{{.Id}}", spec.image]);
  if (id.exitCode !== 0 || !id.stdout.trim()) return run();
  return sandbox.unlessPassed(JSON.stringify([id.stdout.trim(), spec]), run);
}

const containerAnswers: Check<SpecOf<"container-answers">> = {
  run: (spec, sandbox) => sameImageSameAnswer(spec, sandbox, () => answers(spec, sandbox)),
};

async function answers(spec: SpecOf<"container-answers">, sandbox: CheckSandbox): Promise<CheckResult> {
  const name = sandbox.scratchName();
  const env = Object.entries(spec.env ?? {}).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
  try {
    // 127.0.0.1:: lets docker pick a free host port, so the check never collides with the learner's own containers.
    const run = await sandbox.docker(["container", "run", "-d", "--name", name, "-p", `127.0.0.1::${spec.port}`, ...env, spec.image]);
    if (run.exitCode !== 0) return judgeContainerAnswers(spec, { run, probe: null });
    const port = await sandbox.docker(["container", "port", name, `${spec.port}/tcp`]);
    const hostPort = /:(\d+)\s*$/m.exec(port.stdout)?.[1];
    const probe = hostPort ? await curl(sandbox, `http://127.0.0.1:${hostPort}${spec.path}`, 15) : null;
    if (probe?.exitCode === 0) return judgeContainerAnswers(spec, { run, probe });
    // The app did not answer: its output and whether it is still up say why.
    const logs = await sandbox.docker(["container", "logs", "--tail", "40", name]);
    const state = await sandbox.docker(["container", "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", name]);
    return judgeContainerAnswers(spec, { run, probe, logs, state: state.stdout });
  } finally {
    await sandbox.docker(["container", "rm", "-f", name]);
  }
}

const containerOutput: Check<SpecOf<"container-output">> = {
  run: (spec, sandbox) => sameImageSameAnswer(spec, sandbox, () => output(spec, sandbox)),
};

async function output(spec: SpecOf<"container-output">, sandbox: CheckSandbox): Promise<CheckResult> {
  const name = sandbox.scratchName();
  const options = [...(spec.pull ? ["--pull", "always"] : []), ...(spec.platform ? ["--platform", spec.platform] : [])];
  try {
    // Not --rm: the container is kept until its log has been read, and removed below.
    const run = await sandbox.docker(["container", "run", "--name", name, "--quiet", ...options, spec.image, ...spec.args], 120_000);
    // A container that exits at once can lose its output on the way through the attach stream (a race
    // seen here about once in sixty runs); its log still holds everything it printed.
    if (run.exitCode === 0 && !(run.stdout + run.stderr).trim()) {
      const logs = await sandbox.docker(["container", "logs", name]);
      if (logs.exitCode === 0) return judgeContainerOutput(spec, { ...run, stdout: logs.stdout, stderr: logs.stderr });
    }
    return judgeContainerOutput(spec, run);
  } finally {
    await sandbox.docker(["container", "rm", "-f", name]);
  }
}

export const containerChecks = { container, http, "container-answers": containerAnswers, "container-output": containerOutput };
