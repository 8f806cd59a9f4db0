import { describe, expect, it } from "vitest";
import { judgeBuilder, judgeContext, judgeProvenance, type BuilderSpec } from "./builders";
import { checkSpecSchema } from "./check-spec";
import { recorded } from "./fixtures/recorded";

const spec = <K extends BuilderSpec["kind"]>(kind: K, fields: Record<string, unknown>) =>
  checkSpecSchema.parse({ id: "c", title: "t", kind, ...fields }) as Extract<BuilderSpec, { kind: K }>;

describe("buildx-builder on real buildx answers", () => {
  it("finds a builder and its driver, and says when there is none", () => {
    expect(judgeBuilder(spec("buildx-builder", { name: "fixture-lab", driver: "docker-container" }), { named: recorded("builder-inspect-lab") })).toEqual({
      passed: true,
      message: "Builder fixture-lab is there, with the docker-container driver.",
    });
    expect(judgeBuilder(spec("buildx-builder", { name: "fixture-lab", driver: "docker" }), { named: recorded("builder-inspect-lab") }).message).toBe(
      "Builder fixture-lab uses the docker-container driver, not docker.",
    );
    expect(judgeBuilder(spec("buildx-builder", { name: "no-such-builder" }), { named: recorded("builder-inspect-missing") }).message).toMatch(/^There is no builder no-such-builder/);
  });

  it("tells which builder builds go to", () => {
    const evidence = { named: recorded("builder-inspect-lab"), inUse: recorded("builder-inspect-current") };
    // The recording's builder in use is default.
    expect(judgeBuilder(spec("buildx-builder", { name: "fixture-lab", current: true }), evidence).message).toBe(
      "Your builds go to builder default, not fixture-lab: `docker buildx use fixture-lab` switches.",
    );
    expect(judgeBuilder(spec("buildx-builder", { name: "fixture-lab", current: false }), evidence).passed).toBe(true);
  });
});

describe("docker-context on real docker answers", () => {
  const inspect = recorded("context-inspect-second");
  const current = { stdout: "default\n", stderr: "", exitCode: 0, timedOut: false };

  it("reads the endpoint, and says when the context is missing", () => {
    const ok = judgeContext(spec("docker-context", { name: "fixture-second", endpoint: "\\.run-second/docker\\.sock$" }), { inspect, current });
    expect(ok).toEqual({ passed: true, message: "Context fixture-second points at unix:///home/learner/.run-second/docker.sock." });
    expect(judgeContext(spec("docker-context", { name: "fixture-second", endpoint: "^tcp://" }), { inspect, current }).message).toMatch(/which is not \/\^tcp:\\?\/\\?\/\/\.$/);
    expect(judgeContext(spec("docker-context", { name: "no-such-context" }), { inspect: recorded("context-inspect-missing"), current }).message).toMatch(/^There is no context no-such-context/);
  });

  it("says the image went to the current context's engine instead", () => {
    const result = judgeContext(spec("docker-context", { name: "fixture-second", image: "fixture/where:default" }), {
      inspect,
      current,
      image: recorded("context-image-missing"),
      imageInCurrent: recorded("context-image-present"),
    });
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^The engine behind context fixture-second has no fixture\/where:default; the engine of context default has it/);
    // Control: the same check where the second engine has it.
    const there = judgeContext(spec("docker-context", { name: "fixture-second", image: "fixture/where:default" }), { inspect, current, image: recorded("context-image-present") });
    expect(there.passed).toBe(true);
  });

  it("fails while the context is still the current one, when it should not be", () => {
    const still = { ...current, stdout: "fixture-second\n" };
    expect(judgeContext(spec("docker-context", { name: "fixture-second", current: false }), { inspect, current: still }).message).toMatch(/^The current context is still fixture-second/);
    expect(judgeContext(spec("docker-context", { name: "fixture-second", current: false }), { inspect, current }).passed).toBe(true);
  });
});

describe("provenance on real imagetools answers", () => {
  const image = (tag: string) => ({ image: `localhost:5000/fixture-where:${tag}` });

  it("tells mode=max from mode=min from none", () => {
    const max = judgeProvenance(spec("provenance", image("max")), recorded("provenance-max"));
    expect(max.passed, max.message).toBe(true);
    expect(max.message).toMatch(/carries a provenance attestation with the build's \d+ steps\. Built from .*busybox/);
    expect(judgeProvenance(spec("provenance", image("min")), recorded("provenance-min")).message).toMatch(/provenance is mode=min: .*no buildConfig/);
    expect(judgeProvenance(spec("provenance", { ...image("min"), mode: "min" }), recorded("provenance-min")).passed).toBe(true);
    expect(judgeProvenance(spec("provenance", image("none")), recorded("provenance-none")).message).toMatch(/carries no provenance attestation/);
  });

  it("says when the registry has no such image", () => {
    expect(judgeProvenance(spec("provenance", image("nothing")), recorded("provenance-absent")).message).toBe(
      "The registry has no localhost:5000/fixture-where:nothing: push it with `--push`.",
    );
  });
});
