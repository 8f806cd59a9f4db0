import "server-only";
import { judgeBakeTarget } from "@/lib/checks/bake-file";
import { judgeBuildCache, judgeBuildSucceeds } from "@/lib/checks/build";
import { BUILD_MS, type Check, type SpecOf } from "./check";

/**
 * Builds the checks run themselves. They export nothing (`--output type=cacheonly`): the learner's
 * images and tags stay as they are, and the build cache they fill is the learner's cache anyway.
 * Only a check that names a tag keeps its result, under that tag.
 */
function buildArgs(dockerfile: string, context: string, extra: string[], tag?: string): string[] {
  return ["build", ...(tag ? ["-t", tag] : ["--output", "type=cacheonly"]), "-f", dockerfile, ...extra, context];
}

const buildSucceeds: Check<SpecOf<"build-succeeds">> = {
  run: async (spec, sandbox) => {
    const extra = [
      "--progress=plain",
      ...(spec.target ? ["--target", spec.target] : []),
      ...(spec.platform ? ["--platform", spec.platform] : []),
      ...Object.entries(spec.buildArgs ?? {}).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
    ];
    const build = await sandbox.docker(buildArgs(sandbox.path(spec.dockerfile), sandbox.path(spec.context), extra, spec.tag), BUILD_MS);
    return judgeBuildSucceeds(spec, build);
  },
};

// Copies the context (cache keys follow file contents, not folders or times, so the copy hits the
// learner's cache), appends to one file, and prints the copy's folder.
export const PREPARE_COPY = `
set -eu
context=$1 file=$2 text=$3 copy=$4
mkdir -p "$copy"
cp -a "$context/." "$copy/"
[ -f "$copy/$file" ] || exit 3
printf '%s\\n' "$text" >> "$copy/$file"
`;

const buildCache: Check<SpecOf<"build-cache">> = {
  run: async (spec, sandbox) => {
    const context = sandbox.path(spec.context);
    const dockerfile = sandbox.path(spec.dockerfile);
    // On the home disk, not in /tmp: /tmp is memory, charged to the sandbox's limit and sized at a quarter of it.
    const copy = sandbox.path(`~/.cache/layerlab-checks/${sandbox.scratchName()}`);
    // A Dockerfile inside the context is read from the copy too, so both builds see the same file.
    const copiedDockerfile = dockerfile.startsWith(`${context}/`) ? `${copy}/${dockerfile.slice(context.length + 1)}` : dockerfile;
    try {
      const before = await sandbox.docker(buildArgs(dockerfile, context, ["--progress=plain"]), BUILD_MS);
      if (before.exitCode !== 0) return judgeBuildCache(spec, { before, after: null });
      const nonce = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
      const prepared = await sandbox.bash(PREPARE_COPY, [context, spec.change.file, spec.change.append.replaceAll("{nonce}", nonce), copy]);
      if (prepared.exitCode !== 0) return judgeBuildCache(spec, { before, after: null });
      const after = await sandbox.docker(buildArgs(copiedDockerfile, copy, ["--progress=rawjson"]), BUILD_MS);
      return judgeBuildCache(spec, { before, after });
    } finally {
      await sandbox.bash('rm -rf -- "$1"', [copy]);
    }
  },
};

// Bake resolves a file's contexts from the folder it runs in, so it runs in the file's folder.
const PRINT_BAKE = 'cd "$(dirname "$1")" && exec docker buildx bake -f "$(basename "$1")" --print "${@:2}"';

const bakeTarget: Check<SpecOf<"bake-target">> = {
  run: async (spec, sandbox) => judgeBakeTarget(spec, await sandbox.bash(PRINT_BAKE, [sandbox.path(spec.file), ...(spec.target ? [spec.target] : [])])),
};

export const buildChecks = { "build-succeeds": buildSucceeds, "build-cache": buildCache, "bake-target": bakeTarget };
