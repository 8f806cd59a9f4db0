import { describe, expect, it } from "vitest";
import { judgeBakeTarget, type BakeSpec } from "./bake-file";
import type { CommandOutput } from "./check-result";
import { checkSpecSchema } from "./check-spec";

const spec = (fields: Record<string, unknown> = {}) =>
  checkSpecSchema.parse({ id: "c", title: "t", kind: "bake-target", image: "example/inside:best", ...fields }) as BakeSpec;
const output = (stdout: string, stderr = "", exitCode = 0): CommandOutput => ({ stdout, stderr, exitCode, timedOut: false });

// What buildx 0.13 printed in a sandbox.
const printed = output('{"group":{"default":{"targets":["app"]}},"target":{"app":{"context":"app","dockerfile":"Dockerfile","tags":["example/inside:best"]}}}');
const missing = output("", "#1 [internal] load local bake definitions\n#1 reading docker-bake.hcl done\n#1 DONE 0.0s\nERROR: open docker-bake.hcl: no such file or directory\n", 1);
const broken = output("", "#1 DONE 0.0s\nbad.hcl:3\n--------------------\nERROR: bad.hcl:3,1-1: Missing expression; Expected the start of an expression, but found the end of the file.\n", 1);

describe("bake-target checks", () => {
  it("names the target that tags the image, and where it builds from", () => {
    expect(judgeBakeTarget(spec(), printed)).toEqual({ passed: true, message: "`docker buildx bake` builds target app, tagged example/inside:best, from app/Dockerfile." });
  });

  it("lists the tags it found when none is the image", () => {
    expect(judgeBakeTarget(spec({ image: "example/inside:v3" }), printed).message).toBe(
      '`docker buildx bake` builds app, and no target tags example/inside:v3 (tags: app: example/inside:best). Add "example/inside:v3" to its tags.',
    );
  });

  it("explains a missing or broken file in buildx's words", () => {
    expect(judgeBakeTarget(spec(), missing).message).toBe("There is no docker-bake.hcl yet.");
    expect(judgeBakeTarget(spec({ file: "bad.hcl" }), broken).message).toBe(
      "docker buildx bake cannot read bad.hcl: bad.hcl:3,1-1: Missing expression; Expected the start of an expression, but found the end of the file.",
    );
  });
});
