import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "./check-spec";
import { recorded } from "./fixtures/recorded";
import { judgeRegistryManifest, type RegistrySpec } from "./registry-manifest";

const spec = (repository: string, platforms: string[] | null = ["linux/amd64", "linux/arm64"]) =>
  checkSpecSchema.parse({ id: "c", title: "t", kind: "registry-manifest", registry: "localhost:5000", repository, ...(platforms && { platforms }) }) as RegistrySpec;

describe("manifest lists from a real registry", () => {
  it("lists the platforms of an index, leaving out attestations", () => {
    expect(judgeRegistryManifest(spec("multi"), recorded("manifest-index"))).toEqual({ passed: true, message: "localhost:5000/multi:latest serves linux/amd64, linux/arm64." });
  });

  it("names the missing platform of a one-platform push", () => {
    expect(judgeRegistryManifest(spec("single"), recorded("manifest-single")).message).toBe("localhost:5000/single:latest serves linux/amd64; linux/arm64 is missing.");
  });

  it("only asks that the image is there when no platforms are named", () => {
    expect(judgeRegistryManifest(spec("single", null), recorded("manifest-single"))).toEqual({ passed: true, message: "The registry localhost:5000 has single:latest." });
  });

  it("says when the registry does not have it", () => {
    expect(judgeRegistryManifest(spec("nothing"), recorded("manifest-missing")).message).toBe(
      "The registry localhost:5000 has no nothing:latest. Push it there first.",
    );
  });

  it("accepts the arm64 variant v8 for linux/arm64", () => {
    const index = recorded("manifest-index");
    expect(judgeRegistryManifest(spec("multi", ["linux/arm64"]), { ...index, stdout: index.stdout.replace('"architecture": "arm64",', '"architecture": "arm64", "variant": "v8",') }).passed).toBe(true);
  });
});
