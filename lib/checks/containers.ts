import { z } from "zod";
import { buildError } from "./build";
import { fail, parseJson, pass, quote, tail, type CheckResult, type CommandOutput } from "./check-result";
import { normalizeImageName } from "./image-config";
import { checkBase, imageRef, pattern } from "./spec-fields";

/** Checks about the learner's own containers, read with `docker container inspect`. */

export const containerSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("container"),
      /** running: up now; any: created, running or exited (e.g. after `docker container create`). */
      state: z.enum(["running", "any"]).default("running"),
      image: imageRef.optional(),
      name: z.string().min(1).optional(),
      /** A container port that must be published to this host port (or to any, when hostPort is absent). */
      publishes: z.number().int().min(1).max(65535).optional(),
      hostPort: z.number().int().min(1).max(65535).optional(),
      /** Environment variables the container must have, value matched by a pattern. */
      env: z.record(z.string(), pattern).optional(),
    })
    .strict(),
  z
    .object({
      ...checkBase,
      kind: z.literal("container-output"),
      /** The check runs `docker container run --rm [--platform P] IMAGE ARGS…` itself. */
      image: imageRef,
      args: z.array(z.string()).default([]),
      platform: z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/).optional(),
      /** Pull the image first (`--pull always`), for an image in a registry that a local copy may hide. */
      pull: z.boolean().default(false),
      /** Pattern the output (stdout and stderr together) must match. */
      output: pattern,
    })
    .strict(),
] as const;

export type ContainerSpec = Extract<z.infer<(typeof containerSpecs)[number]>, { kind: "container" }>;
export type ContainerOutputSpec = Extract<z.infer<(typeof containerSpecs)[number]>, { kind: "container-output" }>;

const portBinding = z.array(z.object({ HostIp: z.string().optional(), HostPort: z.string() })).nullish();
const containerSchema = z.object({
  Id: z.string(),
  Name: z.string(),
  Image: z.string(),
  State: z.object({ Status: z.string() }),
  Config: z.object({ Image: z.string(), Env: z.array(z.string()).nullish() }),
  HostConfig: z.object({ PortBindings: z.record(z.string(), portBinding).nullish() }).nullish(),
  NetworkSettings: z.object({ Ports: z.record(z.string(), portBinding).nullish() }).nullish(),
});
type InspectedContainer = z.infer<typeof containerSchema>;

export interface ContainerEvidence {
  /** `docker container inspect` of every container (`[]` when there are none). */
  inspect: CommandOutput;
  /** The id of spec.image, so a container started by image id counts too. */
  imageId?: string;
}

export function judgeContainer(spec: ContainerSpec, evidence: ContainerEvidence): CheckResult {
  const parsed = z.array(containerSchema).safeParse(parseJson(evidence.inspect.stdout));
  if (evidence.inspect.exitCode !== 0 || !parsed.success) {
    return fail(`The lab could not list your containers: ${evidence.inspect.stderr.trim() || "unreadable output"}`);
  }
  const all = parsed.data.map(describe);
  const inState = all.filter((c) => spec.state === "any" || c.status === "running");
  const wantedImage = spec.image ? normalizeImageName(spec.image) : undefined;
  const candidates = inState.filter(
    (c) => (!wantedImage || c.image === wantedImage || (evidence.imageId !== undefined && c.imageId === evidence.imageId)) && (!spec.name || c.name === spec.name),
  );
  const what = [spec.state === "running" ? "running container" : "container", spec.name ? `named ${spec.name}` : "", wantedImage ? `from ${wantedImage}` : ""]
    .filter(Boolean)
    .join(" ");
  if (candidates.length === 0) {
    const others = (spec.state === "running" ? all : inState).slice(0, 4).map((c) => `${c.name} (${c.image}, ${c.status})`);
    const stopped = spec.state === "running" && all.some((c) => c.status !== "running" && (!wantedImage || c.image === wantedImage));
    return fail(
      `There is no ${what}.${stopped ? " One exists but is not running: `docker container ls -a` and `docker container logs` show why." : ""}${others.length ? ` Containers now: ${others.join(", ")}.` : ""}`,
    );
  }

  // Explain what the closest candidate lacks, so the learner fixes the container they meant.
  let closest: { container: Described; problems: Problem[]; distance: number } | null = null;
  for (const container of candidates) {
    const problems = problemsOf(spec, container);
    if (problems.length === 0) return pass(`${container.name} is a ${spec.state === "running" ? "running container" : "container"} from ${container.image}${describePorts(container)}.`);
    const distance = problems.reduce((sum, p) => sum + p.distance, 0);
    if (!closest || distance < closest.distance) closest = { container, problems, distance };
  }
  return fail(`Your container ${closest!.container.name} ${closest!.problems.map((p) => p.text).join("; it ")}.`);
}

interface Described {
  name: string;
  image: string;
  imageId: string;
  status: string;
  env: Map<string, string>;
  /** "8080/tcp" → host ports. */
  ports: Map<string, string[]>;
}

function describe(c: InspectedContainer): Described {
  // A running container's actual bindings (NetworkSettings) name the ports docker chose for -P; otherwise what was asked for.
  const bindings = c.NetworkSettings?.Ports && Object.keys(c.NetworkSettings.Ports).length ? c.NetworkSettings.Ports : (c.HostConfig?.PortBindings ?? {});
  return {
    name: c.Name.replace(/^\//, ""),
    image: normalizeImageName(c.Config.Image),
    imageId: c.Image,
    status: c.State.Status,
    env: new Map((c.Config.Env ?? []).map((e) => [e.split("=")[0], e.slice(e.indexOf("=") + 1)])),
    ports: new Map(Object.entries(bindings).map(([port, list]) => [port, [...new Set((list ?? []).map((b) => b.HostPort).filter(Boolean))]])),
  };
}

/** What a container lacks; distance says how far off it is (a wrong host port is nearer than no port). */
interface Problem {
  text: string;
  distance: number;
}

function problemsOf(spec: ContainerSpec, c: Described): Problem[] {
  const problems: Problem[] = [];
  if (spec.publishes !== undefined) {
    const hostPorts = c.ports.get(`${spec.publishes}/tcp`) ?? [];
    const published = [...c.ports].filter(([, hosts]) => hosts.length > 0);
    if (hostPorts.length === 0) {
      problems.push({
        text:
          published.length === 0
            ? `publishes no ports: start it with -p ${spec.hostPort ?? spec.publishes}:${spec.publishes}`
            : `does not publish port ${spec.publishes} (it publishes ${published.map(([p, h]) => `${p} on ${h.join(", ")}`).join(", ")})`,
        distance: 2,
      });
    } else if (spec.hostPort !== undefined && !hostPorts.includes(String(spec.hostPort))) {
      problems.push({ text: `publishes port ${spec.publishes} on host port ${hostPorts.join(", ")}, not ${spec.hostPort}`, distance: 1 });
    }
  }
  for (const [name, valuePattern] of Object.entries(spec.env ?? {})) {
    const value = c.env.get(name);
    if (value === undefined) problems.push({ text: `has no ${name} in its environment (pass it with --env ${name}=…)`, distance: 2 });
    else if (!new RegExp(valuePattern).test(value)) problems.push({ text: `has ${name}="${value}", which does not match /${valuePattern}/`, distance: 1 });
  }
  return problems;
}

function describePorts(c: Described): string {
  const published = [...c.ports].filter(([, hosts]) => hosts.length > 0).map(([port, hosts]) => `${hosts.join(", ")}→${port}`);
  return published.length ? `, publishing ${published.join(", ")}` : "";
}

/** `docker container run --rm --quiet …` (no pull progress in the output) as the container-output check runs it. */
export function judgeContainerOutput(spec: ContainerOutputSpec, run: CommandOutput): CheckResult {
  const image = normalizeImageName(spec.image);
  const command = ["docker container run --rm --quiet", spec.pull ? "--pull always" : "", spec.platform ? `--platform ${spec.platform}` : "", spec.image, ...spec.args]
    .filter(Boolean)
    .join(" ");
  const output = (run.stdout + run.stderr).trim();
  if (run.timedOut) return fail(`\`${command}\` did not finish in time.`, tail(output));
  if (run.exitCode === 125 && /no such image|failed to resolve reference|pull access denied|manifest unknown/i.test(run.stderr)) {
    return fail(`There is no image ${image}${spec.platform ? ` for ${spec.platform}` : ""} to run yet.`);
  }
  if (run.exitCode !== 0) return fail(`\`${command}\` failed (exit code ${run.exitCode}): ${buildError(run)}`, tail(output));
  if (!new RegExp(spec.output).test(output)) return fail(`\`${command}\` printed ${output ? quote(output, 80) : "nothing"}, which does not match /${spec.output}/.`, tail(output));
  return pass(`\`${command}\` printed ${quote(output, 80)}.`);
}
