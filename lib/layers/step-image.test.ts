import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "@/lib/checks/check-spec";
import { stepImage } from "./step-image";

const checks = (...specs: Record<string, unknown>[]) => ({ checks: specs.map((s, i) => checkSpecSchema.parse({ id: `c${i}`, title: "t", ...s })) });

describe("the image a step is about", () => {
  it("is the image of the first check that names one", () => {
    const step = checks(
      { kind: "dockerfile", file: "Dockerfile", expect: { rule: "present", matches: "^COPY", what: "a COPY" } },
      { kind: "image-exists", image: "example/layers:fat" },
      { kind: "layer-size", image: "example/layers:slim", step: "x", maxMb: 1 },
    );
    expect(stepImage(step)).toBe("example/layers:fat");
  });

  it("skips a container check that names no image", () => {
    expect(stepImage(checks({ kind: "container", publishes: 8080 }, { kind: "container-answers", image: "example/web", port: 8080, body: "hi" }))).toBe("example/web");
  });

  it("is null when no check names an image", () => {
    expect(stepImage(checks({ kind: "file", path: ".dockerignore", contains: "notes" }))).toBeNull();
  });
});
