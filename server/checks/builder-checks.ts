import "server-only";
import { judgeBuilder, judgeContext, judgeProvenance } from "@/lib/checks/builders";
import type { Check, CheckSandbox, SpecOf } from "./check";

/** Checks of where builds go (builders, contexts) and of what a pushed build attests. */

// stderr joined to stdout: an engine that does not answer behind a context is the check's finding, not the
// learner's own engine being down (which the check machinery would report for a stderr that says so).
function joined(sandbox: CheckSandbox, args: string[]) {
  return sandbox.bash('exec docker "$@" 2>&1', args);
}

const builder: Check<SpecOf<"buildx-builder">> = {
  run: async (spec, sandbox) => {
    const named = await sandbox.docker(["buildx", "inspect", spec.name]);
    const inUse = spec.current === undefined || named.exitCode !== 0 ? undefined : await sandbox.docker(["buildx", "inspect"]);
    return judgeBuilder(spec, { named, inUse });
  },
};

const context: Check<SpecOf<"docker-context">> = {
  run: async (spec, sandbox) => {
    const inspect = await joined(sandbox, ["context", "inspect", spec.name]);
    const current = await sandbox.docker(["context", "show"]);
    if (!spec.image || inspect.exitCode !== 0) return judgeContext(spec, { inspect, current });
    const image = await joined(sandbox, ["--context", spec.name, "image", "inspect", "--format", "{{.Id}}", spec.image]);
    const imageInCurrent = image.exitCode === 0 ? undefined : await joined(sandbox, ["--context", current.stdout.trim() || "default", "image", "inspect", "--format", "{{.Id}}", spec.image]);
    return judgeContext(spec, { inspect, current, image, imageInCurrent });
  },
};

const provenance: Check<SpecOf<"provenance">> = {
  run: async (spec, sandbox) => judgeProvenance(spec, await sandbox.docker(["buildx", "imagetools", "inspect", spec.image, "--format", "{{json .Provenance}}"], 60_000)),
};

export const builderChecks = { "buildx-builder": builder, "docker-context": context, provenance };
