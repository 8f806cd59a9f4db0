import "server-only";
import { judgeDockerfile } from "@/lib/checks/dockerfile-rules";
import { judgeRegistryManifest, MANIFEST_ACCEPT } from "@/lib/checks/registry-manifest";
import { FILE_IS_DIRECTORY, FILE_MISSING, judgeFile } from "@/lib/checks/sandbox-file";
import { access, type Check, type CheckSandbox, type SpecOf } from "./check";

/** Checks that read the sandbox itself: files, Dockerfiles, a registry running in it. */

const READ = `[ -e "$1" ] || exit ${FILE_MISSING}; [ -d "$1" ] && exit ${FILE_IS_DIRECTORY}; exec head -c 1048576 -- "$1"`;

function readFile(sandbox: CheckSandbox, path: string) {
  return sandbox.bash(READ, [sandbox.path(path)]);
}

// Where only presence matters, do not read (a file check may point at a large archive).
const EXISTS = `[ -e "$1" ] || exit ${FILE_MISSING}; [ -d "$1" ] && exit ${FILE_IS_DIRECTORY}; exit 0`;

const file: Check<SpecOf<"file">> = {
  run: async (spec, sandbox) =>
    judgeFile(spec, spec.contains || spec.lacks ? await readFile(sandbox, spec.path) : await sandbox.bash(EXISTS, [sandbox.path(spec.path)])),
};

const dockerfile: Check<SpecOf<"dockerfile">> = {
  run: async (spec, sandbox) => judgeDockerfile(spec, await readFile(sandbox, spec.file)),
};

const registryManifest: Check<SpecOf<"registry-manifest">> = {
  run: async (spec, sandbox) => {
    const args = [
      "-sS", "--max-time", "10", "-w", "\\n%{http_code}", "-H", `Accept: ${MANIFEST_ACCEPT}`,
      ...access(sandbox, spec),
      `${spec.caCert ? "https" : "http"}://${spec.registry}/v2/${spec.repository}/manifests/${spec.tag}`,
    ];
    return judgeRegistryManifest(spec, await sandbox.bash('exec curl "$@"', args));
  },
};

export const sandboxChecks = { file, dockerfile, "registry-manifest": registryManifest };
