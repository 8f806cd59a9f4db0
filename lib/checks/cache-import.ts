import { z } from "zod";
import { buildError, parseRawjsonSteps } from "./build";
import { fail, parseJsonStream, pass, quote, tail, type CheckResult, type CommandOutput } from "./check-result";
import { checkBase, pattern, sandboxPath } from "./spec-fields";

/**
 * Build cache that came from somewhere else: the check empties the learner's own build cache
 * (`docker buildx prune -af`), builds with `--cache-from FROM`, and reads which steps were CACHED.
 * Nothing is left locally to hit, so a CACHED step proves the cache FROM names holds it.
 */

export const cacheImportSpecs = [
  z
    .object({
      ...checkBase,
      kind: z.literal("cache-import"),
      dockerfile: sandboxPath.default("Dockerfile"),
      context: sandboxPath.default("."),
      target: z.string().min(1).optional(),
      /**
       * What the learner passes to --cache-from: `type=registry,ref=localhost:5000/app:cache`,
       * `type=local,src=.buildcache` (a relative src is under the workdir), or a bare image reference (inline cache).
       */
      from: z.string().regex(/^(type=(registry|local),[^\s]+|[a-z0-9][a-z0-9._\/:-]*)$/, "expected type=registry,ref=… or type=local,src=… or an image"),
      /** An edit made in a copy of the context before the build, as in build-cache; {nonce} is new text each run. */
      change: z
        .object({ file: z.string().min(1), append: z.string().refine((a) => a.includes("{nonce}"), { message: "must contain {nonce}" }) })
        .strict()
        .optional(),
      /** Steps that must come from the imported cache, matched as the Dockerfile writes them. */
      cached: pattern,
      /** Steps that must run, proving the change reached the build. */
      rebuilt: pattern.optional(),
    })
    .strict(),
] as const;

export type CacheImportSpec = z.infer<(typeof cacheImportSpecs)[number]>;

export interface CacheImportEvidence {
  /** `docker buildx prune -af`. */
  prune: CommandOutput;
  /** The build with --cache-from and --progress=rawjson; null when the change could not be made. */
  build: CommandOutput | null;
}

/** What BuildKit said about the import: the cache-import vertex's error, or a warning that names it. */
export function importProblem(output: string): string | null {
  for (const value of parseJsonStream(output)) {
    const parsed = z.object({ vertexes: z.array(z.object({ name: z.string().default(""), error: z.string().optional() })).nullish() }).safeParse(value);
    const failed = parsed.success ? parsed.data.vertexes?.find((v) => /^importing cache manifest/.test(v.name) && v.error) : undefined;
    if (failed) return failed.error!;
  }
  const warning = /^(WARNING: )?(local cache import at .*|.*failed to (configure|resolve) .*cache.*|.*cache.*not found.*)$/im.exec(output);
  return warning ? warning[0].replace(/^WARNING: /, "") : null;
}

export function judgeCacheImport(spec: CacheImportSpec, evidence: CacheImportEvidence): CheckResult {
  if (evidence.prune.exitCode !== 0) return fail(`The lab could not empty the build cache to test the import: ${buildError(evidence.prune)}`);
  const build = evidence.build;
  if (!build) return fail(`The lab could not change ${spec.change?.file} for the build: is it in the build context?`);
  const source = `\`--cache-from ${spec.from}\``;
  if (build.exitCode !== 0 || build.timedOut) return fail(`With the build cache emptied, the build with ${source} fails: ${buildError(build)}`, tail(build.stderr));

  const output = build.stderr + build.stdout;
  const steps = parseRawjsonSteps(output);
  const table = steps.map((s) => `${s.cached ? "CACHED " : "rebuilt"}  ${s.name}`).join("\n");
  const problem = importProblem(output);
  const details = problem ? `${table}\n\nBuildKit on the import: ${problem}` : table;
  const wanted = steps.filter((s) => new RegExp(spec.cached).test(stepText(s.name)));
  if (wanted.length === 0) return fail(`Your Dockerfile has no step matching /${spec.cached}/.`, table);
  const rerun = wanted.find((s) => !s.cached);
  const after = spec.change ? `after a change to ${spec.change.file}, ` : "";
  if (rerun) {
    const why = problem
      ? `the cache could not be read (${quote(problem, 160)}).`
      : `the cache there has no record of it.`;
    return fail(`With your build cache emptied and ${source}, ${after}${quote(stepText(rerun.name))} ran again: ${why}`, details);
  }
  if (spec.rebuilt) {
    const rebuilt = steps.filter((s) => new RegExp(spec.rebuilt!).test(stepText(s.name)));
    if (rebuilt.length === 0) return fail(`Your Dockerfile has no step matching /${spec.rebuilt}/.`, table);
    if (rebuilt.every((s) => s.cached)) return fail(`${after}${quote(stepText(rebuilt[0].name))} still came from the cache: does the build get the changed file at all?`, table);
  }
  return pass(
    `With your build cache emptied, ${after}${wanted.map((s) => quote(stepText(s.name))).join(", ")} came from ${source}: a cache hit built elsewhere.`,
    details,
  );
}

/** `[build 3/5] RUN x` → `RUN x`. */
function stepText(name: string): string {
  return name.replace(/^\[[^\]]*\]\s*/, "");
}

/** The --cache-from value with a relative `src=` made absolute by RESOLVE (the workdir's). */
export function resolveCacheSource(from: string, resolve: (p: string) => string): string {
  if (!from.startsWith("type=")) return from;
  return from
    .split(",")
    .map((part) => {
      const [key, ...rest] = part.split("=");
      const value = rest.join("=");
      return key === "src" && !value.startsWith("/") ? `src=${resolve(value)}` : part;
    })
    .join(",");
}
