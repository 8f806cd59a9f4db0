import "server-only";
import { judgeCacheImport, resolveCacheSource } from "@/lib/checks/cache-import";
import { EXPORT_IS_FILE, EXPORT_IS_FOLDER, EXPORT_MISSING, INDEX_MARK, judgeExportedFiles } from "@/lib/checks/exported-files";
import { BUILD_MS, type Check, type SpecOf } from "./check";

/** Checks of what BuildKit moves out of a build: cache exported elsewhere, files written by --output. */

// Copies the context with one file appended to, as build-cache does (cache keys follow contents, not folders).
const PREPARE_COPY = `
set -eu
context=$1 file=$2 text=$3 copy=$4
mkdir -p "$copy"
cp -a "$context/." "$copy/"
[ -f "$copy/$file" ] || exit 3
printf '%s\\n' "$text" >> "$copy/$file"
`;

const cacheImport: Check<SpecOf<"cache-import">> = {
  run: async (spec, sandbox) => {
    // Emptying the learner's build cache is the point: afterwards only the imported cache can answer.
    const prune = await sandbox.docker(["buildx", "prune", "-af"], BUILD_MS);
    if (prune.exitCode !== 0) return judgeCacheImport(spec, { prune, build: null });
    let context = sandbox.path(spec.context);
    let dockerfile = sandbox.path(spec.dockerfile);
    const copy = sandbox.path(`~/.cache/layerlab-checks/${sandbox.scratchName()}`);
    try {
      if (spec.change) {
        const nonce = Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
        const prepared = await sandbox.bash(PREPARE_COPY, [context, spec.change.file, spec.change.append.replaceAll("{nonce}", nonce), copy]);
        if (prepared.exitCode !== 0) return judgeCacheImport(spec, { prune, build: null });
        if (dockerfile.startsWith(`${context}/`)) dockerfile = `${copy}/${dockerfile.slice(context.length + 1)}`;
        context = copy;
      }
      const args = [
        "buildx", "build", "--output", "type=cacheonly", "--progress=rawjson",
        "--cache-from", resolveCacheSource(spec.from, (p) => sandbox.path(p)),
        ...(spec.target ? ["--target", spec.target] : []),
        "-f", dockerfile, context,
      ];
      return judgeCacheImport(spec, { prune, build: await sandbox.docker(args, BUILD_MS) });
    } finally {
      if (spec.change) await sandbox.bash('rm -rf -- "$1"', [copy]);
    }
  },
};

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
