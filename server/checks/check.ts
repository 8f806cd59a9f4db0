import "server-only";
import { randomBytes } from "node:crypto";
import type { CheckResult, CommandOutput } from "@/lib/checks/check-result";
import type { CheckKind, CheckSpec } from "@/lib/checks/check-spec";
import { LEARNER_HOME } from "@/lib/content/chapter";
import { EngineUnavailableError } from "../sandbox/engine-socket";
import { engineQuery } from "./engine-queries";
import type { SandboxExec } from "./sandbox-exec";

/** A kind of check: run commands in the sandbox, hand their output to the pure judge in lib/checks. */
export interface Check<S extends CheckSpec> {
  run(spec: S, sandbox: CheckSandbox): Promise<CheckResult>;
}

export type SpecOf<K extends CheckKind> = Extract<CheckSpec, { kind: K }>;

/** The sandbox as a check sees it: commands as the learner, paths relative to the chapter's workdir. */
export interface CheckSandbox {
  /** `docker ARGS` as the learner. */
  docker(args: string[], timeoutMs?: number): Promise<CommandOutput>;
  /** `bash -c SCRIPT _ ARGS…` as the learner. */
  bash(script: string, args?: string[], timeoutMs?: number): Promise<CommandOutput>;
  /** Absolute path of a content path: absolute stays, `~/x` is under the learner's home, the rest is under the workdir. */
  path(p: string): string;
  /** A name no other check run uses: scratch containers, folders. */
  scratchName(): string;
  /** RUN's verdict, or the one that passed before under KEY in this sandbox (see PassedChecks). */
  unlessPassed(key: string, run: () => Promise<CheckResult>): Promise<CheckResult>;
}

/** The sandbox did not answer at all (stopped, removed, podman failing): nothing more can be checked now. */
export class SandboxUnreachableError extends Error {}

/** The sandbox answers but its Docker engine does not (still starting, or crashed). */
export class DockerUnavailableError extends Error {}

export const QUICK_MS = 30_000;
/** Builds on a busy two-core machine; most check builds are fully cached and take seconds. */
export const BUILD_MS = 300_000;

const DOCKER_DOWN = /Cannot connect to the Docker daemon|Is the docker daemon running|docker\.sock: connect: (no such file|connection refused)/i;

export function createCheckSandbox(exec: SandboxExec, workdir: string): CheckSandbox {
  const run = async (cmd: string[], timeoutMs: number): Promise<CommandOutput> => {
    let output: CommandOutput;
    try {
      output = await exec.exec(cmd, { user: "learner", timeoutMs });
    } catch (error) {
      throw new SandboxUnreachableError(error instanceof Error ? error.message : String(error));
    }
    if (DOCKER_DOWN.test(output.stderr)) throw new DockerUnavailableError(output.stderr.trim());
    return output;
  };
  // Reads of the engine's state go to its API where the lab reaches its socket (no process in the sandbox).
  const ask = async (args: string[], timeoutMs: number): Promise<CommandOutput> => {
    const query = exec.engine && engineQuery(args);
    if (!query) return run(["docker", ...args], timeoutMs);
    try {
      return await query((apiPath) => exec.engine!(apiPath, { timeoutMs, maxBytes: ENGINE_MAX_BYTES }));
    } catch (error) {
      if (!(error instanceof EngineUnavailableError)) throw error;
      if (error.reason === "too-large") return { stdout: "", stderr: error.message, exitCode: 1, timedOut: false };
      throw new DockerUnavailableError(error.message);
    }
  };
  // The checks of one step often ask the same question (three checks inspecting one image): each
  // answer is kept until a command that may change something runs, so a step asks fewer times.
  const answers = new Map<string, Promise<CommandOutput>>();
  const docker = (args: string[], timeoutMs: number): Promise<CommandOutput> => {
    if (!isReadOnly(args)) {
      answers.clear();
      return run(["docker", ...args], timeoutMs);
    }
    const key = JSON.stringify(args);
    let answer = answers.get(key);
    if (!answer) answers.set(key, (answer = ask(args, timeoutMs)));
    return answer;
  };
  return {
    docker: (args, timeoutMs = QUICK_MS) => docker(args, timeoutMs),
    bash: (script, args = [], timeoutMs = QUICK_MS) => {
      answers.clear();
      return run(["bash", "-c", script, "_", ...args], timeoutMs);
    },
    path: (p) => (p.startsWith("/") ? p : p === "~" || p.startsWith("~/") ? `${LEARNER_HOME}${p.slice(1)}` : p === "." ? workdir : `${workdir}/${p.replace(/^\.\//, "")}`),
    scratchName: () => `layerlab-check-${randomBytes(4).toString("hex")}`,
    unlessPassed: async (key, runCheck) => {
      const kept = exec.passed?.get(key);
      if (kept) return kept;
      const result = await runCheck();
      if (result.passed) exec.passed?.set(key, result);
      return result;
    },
  };
}

/** Engine answers larger than this are refused (an image's inspect is a few kB; a history, tens). */
const ENGINE_MAX_BYTES = 8 * 2 ** 20;

/** `docker image inspect|history|ls …` and the container reads: the same question gets the same answer until something runs. */
function isReadOnly(args: string[]): boolean {
  return (args[0] === "image" && ["inspect", "history", "ls"].includes(args[1])) || engineQuery(args) !== null;
}

/** curl arguments for a server that wants TLS with a given certificate, or basic auth. */
export function access(sandbox: CheckSandbox, spec: { caCert?: string; user?: string; password?: string }): string[] {
  return [...(spec.caCert ? ["--cacert", sandbox.path(spec.caCert)] : []), ...(spec.user ? ["-u", `${spec.user}:${spec.password ?? ""}`] : [])];
}
