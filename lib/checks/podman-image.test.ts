import { describe, expect, it } from "vitest";
import type { CommandOutput } from "./check-result";
import { dockerNameOf, judgePodmanImage, podmanImageSpecs } from "./podman-image";

const spec = (extra: object = {}) => podmanImageSpecs[0].parse({ id: "x", title: "t", kind: "podman-image", image: "localhost/example/hello:latest", ...extra });
const out = (stdout: string, exitCode = 0, stderr = ""): CommandOutput => ({ stdout, stderr, exitCode, timedOut: false });
// podman 5.4's words for an image it does not have
const missing = out("", 125, "Error: localhost/example/hello:latest: image not known\n");

describe("podman-image", () => {
  it("passes on an image podman has", () => {
    expect(judgePodmanImage(spec(), { inspect: out("sha256:abc\n") }).passed).toBe(true);
  });

  it("tells a learner who built with docker that Docker's store is not Podman's", () => {
    const verdict = judgePodmanImage(spec(), { inspect: missing, docker: out("sha256:def\n") });
    expect(verdict.passed).toBe(false);
    expect(verdict.message).toMatch(/no image localhost\/example\/hello:latest in Podman's store, but Docker's store has example\/hello:latest/);
  });

  it("says the image is missing when neither engine has it", () => {
    const verdict = judgePodmanImage(spec(), { inspect: missing, docker: out("", 1, "Error: No such image: example/hello:latest") });
    expect(verdict.message).toMatch(/^There is no image localhost\/example\/hello:latest in Podman's store \(/);
  });

  it("judges the output of a podman container", () => {
    const s = spec({ output: "^running in a container \\(podman\\)$" });
    expect(judgePodmanImage(s, { inspect: out("sha256:abc"), run: out("running in a container (podman)\n") }).passed).toBe(true);
    const wrong = judgePodmanImage(s, { inspect: out("sha256:abc"), run: out("not in a container\n") });
    expect(wrong.passed).toBe(false);
    expect(wrong.message).toContain("printed `not in a container`");
  });

  it("reports podman itself failing, not a missing image", () => {
    const verdict = judgePodmanImage(spec(), { inspect: out("", 125, "Error: cannot set up namespace using \"/usr/bin/newuidmap\": exit status 1\n") });
    expect(verdict.message).toMatch(/podman image inspect .* failed \(exit code 125\).*newuidmap/);
  });

  it("drops only the localhost/ podman adds", () => {
    expect(dockerNameOf("localhost/example/hello:latest")).toBe("example/hello:latest");
    expect(dockerNameOf("docker.io/library/node:18")).toBe("docker.io/library/node:18");
  });
});
