import { z } from "zod";
import { fail, parseJsonStream, pass, quote, tail, type CheckResult, type CommandOutput } from "./check-result";
import { checkBase, imageRef, pattern, sandboxPath } from "./spec-fields";
import { recogniseEngineFailure } from "@/lib/engine-failures";

/** Checks that run a build of their own in the sandbox and read what it did. */

const buildInput = {
  /** Dockerfile path, relative to the workdir unless absolute. */
  dockerfile: sandboxPath.default("Dockerfile"),
  context: sandboxPath.default("."),
};

export const buildSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("build-succeeds"),
      ...buildInput,
      target: z.string().min(1).optional(),
      buildArgs: z.record(z.string(), z.string()).optional(),
      /**
       * Keep the result as this image (`-t`), for the checks after it to run: a drill judges the image the
       * learner's project builds, not one the learner may have built from an older version.
       */
      tag: imageRef.optional(),
      platform: z.string().regex(/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/).optional(),
    })
    .strict(),
  z
    .object({
      ...checkBase,
      kind: z.literal("build-cache"),
      ...buildInput,
      /**
       * The edit the check makes, in a copy of the context, before the rebuild: `append` is added to
       * `file` (relative to the context). Its {nonce} becomes new text each run, so a rebuild is never
       * served from the previous check's own cache.
       */
      change: z
        .object({
          file: z.string().min(1),
          append: z.string().refine((a) => a.includes("{nonce}"), { message: "must contain {nonce}" }),
        })
        .strict(),
      /** Steps that must come from the cache, matched as the Dockerfile writes them: `RUN node prepare.js`. */
      cached: pattern.optional(),
      /** Steps that must run again, proving the change reached the build. */
      rebuilt: pattern.optional(),
      /** What the rebuilt steps must not print: work a cache mount should have saved (`go build -v` naming net/http). */
      rebuiltOutputLacks: pattern.optional(),
    })
    .strict()
    .refine((s) => s.cached !== undefined || s.rebuilt !== undefined, { message: "give cached or rebuilt" })
    .refine((s) => s.rebuiltOutputLacks === undefined || s.rebuilt !== undefined, { message: "rebuiltOutputLacks needs rebuilt" }),
] as const;

export type BuildSpec = z.infer<(typeof buildSpecs)[number]>;

export function judgeBuildSucceeds(spec: Extract<BuildSpec, { kind: "build-succeeds" }>, build: CommandOutput): CheckResult {
  const what = `${spec.dockerfile}${spec.target ? ` (target ${spec.target})` : ""}`;
  if (build.timedOut) return fail(`Building ${what} took too long; the lab gave up waiting.`, tail(build.stderr + build.stdout));
  if (build.exitCode === 0) return pass(`${what} builds.`);
  const engine = recogniseEngineFailure(build.stderr + build.stdout);
  if (engine) return fail(`${what} did not build, and not because of it. ${engine.advice}`, tail(build.stderr + build.stdout));
  const said = failedStepSaid(build.stderr);
  // The cause first: BuildKit's own line only says that a step failed, and a short view (the status beside the
  // terminal) shows the start of the message.
  const message = said ? `the failed step printed ${quote(said, 120)} (${buildError(build)})` : buildError(build);
  return fail(`${what} does not build: ${message}`, tail(build.stderr + build.stdout));
}

/**
 * The line of the failed step's own output that says what went wrong, from `--progress=plain`:
 * the step's lines are `#8 1.356 text`, and `#8 ERROR: …` marks it as the one that failed.
 */
export function failedStepSaid(plain: string): string | null {
  const failed = /^#(\d+) ERROR: /m.exec(plain)?.[1];
  if (!failed) return null;
  const lines = [...plain.matchAll(new RegExp(`^#${failed} \\d+\\.\\d+ (.*\\S.*)$`, "gm"))].map((m) => m[1].trim());
  return tellingLine(lines);
}

/**
 * What a tool says when it fails, most telling first. A tool's own error line (`E: …` from apt, `Unknown
 * command: "instaer"` from npm, `error: …`, `…: not found`) beats its other words of failure, which beat plain
 * output. Lines that name no cause are never quoted while another line is there: the usage text tools print after
 * the error (npm's "Did you mean this?", "To see a list of supported npm commands, run: npm help"; the last line
 * alone is often exactly that) and Docker's own pull chatter before a container's output.
 */
const TELLING: RegExp[] = [
  /^(E|error|fatal|ERROR|Error):\s|Unknown (command|option|flag|instruction)|command not found|: not found|No such file|not found|permission denied|is not in this registry|unable to|cannot|can't/i,
  /^npm (ERR!|error)\s+\S|\berror\b|\bfailed\b|\bdenied\b|\binvalid\b|\bmissing\b/i,
];
const NAMES_NO_CAUSE = [
  /^(npm (ERR!|error)\s+)?(Did you mean|To see a list of|npm help\b|npm <command>|Usage:|Run '.*--help'|See '.*--help'|For more info|A complete log of this run|Log files were not written|You can rerun the command)/i,
  // A suggestion line: `npm install # Install a package`.
  /^\S+ [-\w]+\s+# /,
  /^Unable to find image '.*' locally$|^[\w.:/-]+: Pulling from |^Digest: sha256:|^Status: (Downloaded|Image is up to date)|^[0-9a-f]{12}: (Pull|Pulling|Waiting|Download|Verifying|Extracting|Already)/,
];

export function tellingLine(lines: string[]): string | null {
  const trimmed = lines.map((l) => l.trim()).filter(Boolean);
  const candidates = trimmed.filter((l) => !NAMES_NO_CAUSE.some((noise) => noise.test(l)));
  for (const tier of TELLING) {
    const line = candidates.find((l) => tier.test(l));
    if (line) return line;
  }
  return candidates.at(-1) ?? trimmed.at(-1) ?? null;
}

/** The line a learner needs from a failed build or run: BuildKit's or Docker's own `ERROR: …`, else the most telling line. */
export function buildError(build: CommandOutput): string {
  const lines = (build.stderr + "\n" + build.stdout).split("\n").map((l) => l.trim()).filter(Boolean);
  const error = lines.filter((l) => /^ERROR:|^error:|^Error response from daemon:/.test(l)).at(-1) ?? tellingLine(lines) ?? `exit code ${build.exitCode}`;
  return error.replace(/^(ERROR|error|Error response from daemon):\s*/, "");
}

export interface BuildStep {
  /** `[3/5] RUN node prepare.js`, as BuildKit names the vertex. */
  name: string;
  cached: boolean;
  durationMs: number | null;
  /** What the step printed while it ran. */
  output: string;
}

const vertex = z.object({
  digest: z.string(),
  name: z.string().default(""),
  cached: z.boolean().optional(),
  started: z.string().optional(),
  completed: z.string().optional(),
});
const log = z.object({ vertex: z.string(), data: z.string() });
const statusLine = z.object({ vertexes: z.array(vertex).nullish(), logs: z.array(log).nullish() });

/** The Dockerfile steps of a `--progress=rawjson` build, in step order, with whether each came from the cache. */
export function parseRawjsonSteps(output: string): BuildStep[] {
  const byDigest = new Map<string, z.infer<typeof vertex>>();
  const outputs = new Map<string, string>();
  for (const line of parseJsonStream(output)) {
    const parsed = statusLine.safeParse(line);
    if (!parsed.success) continue;
    // Log data is base64 (Go's encoding of []byte).
    for (const l of parsed.data.logs ?? []) outputs.set(l.vertex, (outputs.get(l.vertex) ?? "") + Buffer.from(l.data, "base64").toString("utf8"));
    for (const v of parsed.data.vertexes ?? []) {
      // A vertex is reported many times as it progresses; later reports complete the earlier ones.
      const seen = byDigest.get(v.digest);
      byDigest.set(v.digest, { ...seen, ...v, cached: (seen?.cached ?? false) || (v.cached ?? false), name: v.name || seen?.name || "" });
    }
  }
  return [...byDigest.values()]
    .filter((v) => /^\[[^\]]*\d+\/\d+\]/.test(v.name) && !/^\[[^\]]*\]\s+FROM\s/i.test(v.name))
    .map((v) => ({
      name: v.name,
      cached: v.cached ?? false,
      durationMs: v.started && v.completed ? Date.parse(v.completed) - Date.parse(v.started) : null,
      output: outputs.get(v.digest) ?? "",
    }))
    .sort((a, b) => stepNumber(a.name) - stepNumber(b.name));
}

function stepNumber(name: string): number {
  const match = /(\d+)\/\d+\]/.exec(name);
  return match ? Number(match[1]) : 0;
}

export interface BuildCacheEvidence {
  /** The build of the unchanged context (it also warms the cache where the learner has not built yet). */
  before: CommandOutput;
  /** The rebuild after the change, with --progress=rawjson. */
  after: CommandOutput | null;
}

export function judgeBuildCache(spec: Extract<BuildSpec, { kind: "build-cache" }>, evidence: BuildCacheEvidence): CheckResult {
  if (evidence.before.exitCode !== 0 || evidence.before.timedOut) {
    return fail(`${spec.dockerfile} does not build yet: ${buildError(evidence.before)}`, tail(evidence.before.stderr));
  }
  const after = evidence.after;
  if (!after) return fail(`The lab could not change ${spec.change.file} for the rebuild: is it in the build context?`);
  if (after.exitCode !== 0 || after.timedOut) return fail(`After a change to ${spec.change.file}, the build fails: ${buildError(after)}`, tail(after.stderr));

  const steps = parseRawjsonSteps(after.stderr + after.stdout);
  const table = steps.map((s) => `${s.cached ? "CACHED " : "rebuilt"}  ${s.name}`).join("\n");
  const mustBeCached = spec.cached ? steps.filter((s) => new RegExp(spec.cached!).test(stepText(s.name))) : [];
  if (spec.cached && mustBeCached.length === 0) return fail(`Your Dockerfile has no step matching /${spec.cached}/.`, table);
  const rerun = mustBeCached.find((s) => !s.cached);
  if (rerun) {
    const first = steps.find((s) => !s.cached);
    // Worth saying only where the wait is long enough to feel.
    const took = rerun.durationMs !== null && rerun.durationMs >= 500 ? ` (it took ${(rerun.durationMs / 1000).toFixed(1)} s)` : "";
    const cause = first && first !== rerun ? ` The first step that missed the cache is ${quote(stepText(first.name))}: every step after a changed layer runs again.` : "";
    return fail(`After a change to ${spec.change.file}, ${quote(stepText(rerun.name))} ran again${took} instead of coming from the cache.${cause}`, table);
  }
  const rebuilt = spec.rebuilt ? steps.filter((s) => new RegExp(spec.rebuilt!).test(stepText(s.name))) : [];
  if (spec.rebuilt) {
    if (rebuilt.length === 0) return fail(`Your Dockerfile has no step matching /${spec.rebuilt}/.`, table);
    if (rebuilt.every((s) => s.cached)) {
      return fail(`After a change to ${spec.change.file}, ${quote(stepText(rebuilt[0].name))} still came from the cache: does the image get the changed file at all?`, table);
    }
  }
  if (spec.rebuiltOutputLacks) {
    const lacks = new RegExp(spec.rebuiltOutputLacks, "m");
    const noisy = rebuilt.find((s) => lacks.test(s.output));
    if (noisy) {
      return fail(
        `After a change to ${spec.change.file}, ${quote(stepText(noisy.name))} ran again and printed ${quote(lacks.exec(noisy.output)![0])}: it redid work that a cache should have kept.`,
        `${table}\n\nWhat ${stepText(noisy.name)} printed:\n${tail(noisy.output)}`,
      );
    }
  }
  const printed = rebuilt.map((s) => s.output.trim()).filter(Boolean).join("\n");
  const details = printed ? `${table}\n\nWhat the rebuilt steps printed:\n${tail(printed)}` : table;
  const kept = mustBeCached.length ? `${mustBeCached.map((s) => quote(stepText(s.name))).join(", ")} came from the cache` : "";
  const redone = rebuilt.length ? `${rebuilt.map((s) => quote(stepText(s.name))).join(", ")} ran again${spec.rebuiltOutputLacks ? " and redid only what changed" : ""}` : "";
  return pass(`After a change to ${spec.change.file}, ${[kept, redone].filter(Boolean).join(", and ")}.`, details);
}

/** `[stage 3/5] RUN x` → `RUN x`: what patterns match and messages quote. */
function stepText(name: string): string {
  return name.replace(/^\[[^\]]*\]\s*/, "");
}
