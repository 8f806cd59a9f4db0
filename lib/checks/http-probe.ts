import { z } from "zod";
import { buildError } from "./build";
import { fail, pass, quote, tail, type CheckResult, type CommandOutput } from "./check-result";
import { normalizeImageName } from "./image-config";
import { checkBase, imageRef, pattern, registryAccess } from "./spec-fields";

/** Checks that talk HTTP to an app: the learner's own container, or one the check starts from an image. */

const expectation = {
  /** Pattern the response body must match. */
  body: pattern,
  status: z.number().int().min(100).max(599).default(200),
};

export const httpSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("http"),
      url: z.url({ protocol: /^https?$/ }),
      /** For https: trust this certificate (a path in the sandbox); and basic-auth credentials. */
      caCert: registryAccess.caCert,
      user: registryAccess.user,
      password: registryAccess.password,
      ...expectation,
    })
    .strict(),
  z
    .object({
      ...checkBase,
      kind: z.literal("container-answers"),
      image: imageRef,
      /** The port the app listens on inside the container; the check publishes it on a free port of its own. */
      port: z.number().int().min(1).max(65535),
      path: z.string().startsWith("/").default("/"),
      env: z.record(z.string(), z.string()).optional(),
      ...expectation,
    })
    .strict(),
] as const;

export type HttpSpec = z.infer<(typeof httpSpecs)[number]>;

/** Appended by curl's -w so status and body travel in one stdout. */
export const STATUS_MARKER = "\n--layerlab-http-status:";

export function judgeHttp(spec: Extract<HttpSpec, { kind: "http" }>, probe: CommandOutput): CheckResult {
  return judgeResponse(spec, spec.url, probe);
}

export interface ContainerAnswersEvidence {
  /** `docker container run -d -p 127.0.0.1::PORT IMAGE` */
  run: CommandOutput;
  /** curl against the published port; null when there was no port to probe. */
  probe: CommandOutput | null;
  /** Read when the app did not answer: `docker container logs`, and the state as `STATUS EXITCODE`. */
  logs?: CommandOutput;
  state?: string;
}

export function judgeContainerAnswers(spec: Extract<HttpSpec, { kind: "container-answers" }>, evidence: ContainerAnswersEvidence): CheckResult {
  const image = normalizeImageName(spec.image);
  if (evidence.run.exitCode !== 0) {
    if (/no such image|pull access denied|not found: manifest unknown|failed to resolve reference/i.test(evidence.run.stderr)) {
      return fail(`There is no image ${image} to start yet. Build it with -t ${image}.`);
    }
    return fail(`A container from ${image} did not start: ${buildError(evidence.run)}`, tail(evidence.run.stderr));
  }
  const logs = evidence.logs ? (evidence.logs.stdout + evidence.logs.stderr).trim() : "";
  const details = evidence.logs ? (logs ? `The container's output:\n${tail(logs)}` : "The container printed nothing.") : undefined;
  const [status, exitCode] = (evidence.state ?? "").trim().split(" ");
  if (status && status !== "running") {
    const lastLine = logs.split("\n").at(-1);
    return fail(`A container from ${image} stopped right after it started (exit code ${exitCode})${lastLine ? `: ${lastLine.replace(/\.?$/, ".")}` : "."}`, details);
  }
  const result = evidence.probe
    ? judgeResponse(spec, `A container from ${image} (port ${spec.port})`, evidence.probe)
    : fail(`A container from ${image} started, but docker published no port ${spec.port} for it.`);
  return result.passed || details === undefined ? result : { ...result, details };
}

function judgeResponse(spec: { body: string; status: number }, where: string, probe: CommandOutput): CheckResult {
  if (probe.exitCode !== 0) return fail(`${where}: ${curlProblem(probe)}`);
  const markerAt = probe.stdout.lastIndexOf(STATUS_MARKER);
  const body = markerAt >= 0 ? probe.stdout.slice(0, markerAt) : probe.stdout;
  const status = markerAt >= 0 ? Number(probe.stdout.slice(markerAt + STATUS_MARKER.length).trim()) : NaN;
  const shown = body.trim() ? quote(body, 80) : "an empty body";
  if (status !== spec.status) return fail(`${where} answered with status ${status} (${shown}); expected ${spec.status}.`);
  if (!new RegExp(spec.body).test(body)) return fail(`${where} answered ${shown}, which does not match /${spec.body}/.`);
  return pass(`${where} answered ${shown}.`);
}

// curl's exit codes, in the learner's terms (see curl(1), "EXIT CODES").
function curlProblem(probe: CommandOutput): string {
  if (probe.timedOut) return "no answer in time.";
  switch (probe.exitCode) {
    case 6:
      return "that host name does not resolve in your sandbox.";
    case 7:
      return "nothing listens there (connection refused). Is a container running with the port published (-p)?";
    case 28:
      return "the connection opened but no answer came in time.";
    case 60:
      return "its TLS certificate is not one the lab trusts. Is caCert the certificate the server uses?";
    case 35:
      return "the TLS handshake failed. Does the server speak https on that port?";
    case 52:
    case 56:
      return "the port is published, but the app inside closed the connection without answering. Does it listen on 0.0.0.0 rather than 127.0.0.1, and on that port?";
    default:
      return `curl failed: ${probe.stderr.trim() || `exit code ${probe.exitCode}`}`;
  }
}
