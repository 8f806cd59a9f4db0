import "server-only";
import { judgeCacheImport, resolveCacheSource } from "@/lib/checks/cache-import";
import { EXPORT_IS_FILE, EXPORT_IS_FOLDER, EXPORT_MISSING, INDEX_MARK, judgeExportedFiles } from "@/lib/checks/exported-files";
import type { CheckResult } from "@/lib/checks/check-result";
import { PREPARE_COPY } from "./build-checks";
import { BUILD_MS, type Check, type CheckSandbox, type SpecOf } from "./check";

/** Checks of what BuildKit moves out of a build: cache exported elsewhere, files written by --output. */

// A fingerprint of what decides the verdict: the cache's own manifest (or a local cache's index.json), the
// context's files and the Dockerfile. Prints nothing useful (and fails) when the cache cannot be read.
const FINGERPRINT = `
set -eu -o pipefail
kind=$1 where=$2 context=$3 dockerfile=$4
{
  if [ "$kind" = local ]; then cat "$where/index.json"; else docker buildx imagetools inspect --raw "$where"; fi
  (cd "$context" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
  sha256sum < "$dockerfile"
} | sha256sum | cut -c1-64
`;

/**
 * Verdicts by fingerprint. The checks run at every prompt, and this one empties the learner's build cache and builds:
 * once per state of the cache and the files is enough. The key is content (a cache's manifest carries the time it was
 * made, so no two learners' caches share one); it holds nothing a learner could write. Bounded, oldest out first.
 */
const verdicts = new Map<string, CheckResult>();
const KEPT_VERDICTS = 1000;

function cacheSource(from: string): { kind: "local" | "registry"; where: string } | null {
  if (!from.startsWith("type=")) return { kind: "registry", where: from };
  const fields = new Map(from.split(",").map((part) => [part.split("=")[0], part.slice(part.indexOf("=") + 1)] as const));
  if (fields.get("type") === "local" && fields.get("src")) return { kind: "local", where: fields.get("src")! };
  if (fields.get("type") === "registry" && fields.get("ref")) return { kind: "registry", where: fields.get("ref")! };
  return null;
}

const cacheImport: Check<SpecOf<"cache-import">> = {
  run: async (spec, sandbox) => {
    const from = resolveCacheSource(spec.from, (p) => sandbox.path(p));
    const source = cacheSource(from);
    const print = source ? await sandbox.bash(FINGERPRINT, [source.kind, source.where, sandbox.path(spec.context), sandbox.path(spec.dockerfile)], BUILD_MS) : null;
    const key = print?.exitCode === 0 ? `${JSON.stringify(spec)}\n${print.stdout.trim()}` : null;
    const known = key ? verdicts.get(key) : undefined;
    if (known) return known;
    const { result, settled } = await importAfterPrune(spec, sandbox, from);
    // Only a verdict on a build that ran to its end is the state's own; a timeout or a failed prune may pass.
    if (key && settled) {
      verdicts.set(key, result);
      if (verdicts.size > KEPT_VERDICTS) verdicts.delete(verdicts.keys().next().value!);
    }
    return result;
  },
};

async function importAfterPrune(spec: SpecOf<"cache-import">, sandbox: CheckSandbox, from: string): Promise<{ result: CheckResult; settled: boolean }> {
  // Emptying the learner's build cache is the point: afterwards only the imported cache can answer.
  const prune = await sandbox.docker(["buildx", "prune", "-af"], BUILD_MS);
  if (prune.exitCode !== 0) return { result: judgeCacheImport(spec, { prune, build: null }), settled: false };
  let context = sandbox.path(spec.context);
  let dockerfile = sandbox.path(spec.dockerfile);
  const copy = sandbox.path(`~/.cache/layerlab-checks/${sandbox.scratchName()}`);
  try {
    if (spec.change) {
      const nonce = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
      const prepared = await sandbox.bash(PREPARE_COPY, [context, spec.change.file, spec.change.append.replaceAll("{nonce}", nonce), copy]);
      if (prepared.exitCode !== 0) return { result: judgeCacheImport(spec, { prune, build: null }), settled: false };
      if (dockerfile.startsWith(`${context}/`)) dockerfile = `${copy}/${dockerfile.slice(context.length + 1)}`;
      context = copy;
    }
    const args = [
      "buildx", "build", "--output", "type=cacheonly", "--progress=rawjson", "--cache-from", from,
      ...(spec.target ? ["--target", spec.target] : []),
      "-f", dockerfile, context,
    ];
    const build = await sandbox.docker(args, BUILD_MS);
    return { result: judgeCacheImport(spec, { prune, build }), settled: build.exitCode === 0 && !build.timedOut };
  } finally {
    if (spec.change) await sandbox.bash('rm -rf -- "$1"', [copy]);
  }
}

// Lists an export: a folder's entries (three levels), a tar's entries, and an OCI layout's index.json after a mark.
const LIST_EXPORT = `
set -o pipefail
p=$1 format=$2
[ -e "$p" ] || exit ${EXPORT_MISSING}
if [ "$format" = folder ]; then
  [ -d "$p" ] || exit ${EXPORT_IS_FILE}
  cd "$p" && find . -mindepth 1 -maxdepth 3 | LC_ALL=C sort | head -n 2000
  exit 0
fi
if [ -d "$p" ]; then
  [ "$format" = oci ] || exit ${EXPORT_IS_FOLDER}
  (cd "$p" && find . -mindepth 1 -maxdepth 3 | LC_ALL=C sort | head -n 2000)
  echo '${INDEX_MARK}'; head -c 1048576 "$p/index.json" 2>/dev/null
  exit 0
fi
tar -tf "$p" | head -n 2000 || exit 1
if [ "$format" = oci ]; then echo '${INDEX_MARK}'; tar -xOf "$p" index.json 2>/dev/null | head -c 1048576; fi
exit 0
`;

const exportedFiles: Check<SpecOf<"exported-files">> = {
  run: async (spec, sandbox) => judgeExportedFiles(spec, await sandbox.bash(LIST_EXPORT, [sandbox.path(spec.path), spec.format])),
};

export const exportChecks = { "cache-import": cacheImport, "exported-files": exportedFiles };
