import "server-only";
import { dockerNameOf, judgePodmanImage } from "@/lib/checks/podman-image";
import { BUILD_MS, QUICK_MS, type Check, type SpecOf } from "./check";

// Podman as the learner runs it from a login shell: its rootless store and runtime files live under the home.
// The host may still use cgroups v1, on which podman 5 warns at every command; the sandbox image hides that warning too.
const PODMAN_ENV = "export HOME=/home/learner XDG_RUNTIME_DIR=/home/learner/.run PODMAN_IGNORE_CGROUPSV1_WARNING=1; ";

const podmanImage: Check<SpecOf<"podman-image">> = {
  run: async (spec, sandbox) => {
    const inspect = await sandbox.bash(`${PODMAN_ENV}exec podman image inspect --format '{{.Id}}' "$1"`, [spec.image], QUICK_MS);
    if (inspect.exitCode !== 0) {
      return judgePodmanImage(spec, { inspect, docker: await sandbox.docker(["image", "inspect", "--format", "{{.Id}}", dockerNameOf(spec.image)]) });
    }
    if (spec.output === undefined) return judgePodmanImage(spec, { inspect });
    const run = await sandbox.bash(`${PODMAN_ENV}exec podman run --rm --quiet "$@"`, [spec.image, ...spec.args], BUILD_MS);
    return judgePodmanImage(spec, { inspect, run });
  },
};

export const podmanChecks = { "podman-image": podmanImage };
