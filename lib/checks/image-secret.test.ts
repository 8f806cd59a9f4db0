import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "./check-spec";
import { recorded } from "./fixtures/recorded";
import { judgeImageSecret, parseSecretScan, type ImageSecretSpec } from "./image-secret";

// Recorded in a real sandbox with the check's own scan. The leaky image t:1 was built from busybox with
// ARG API_TOKEN used by every RUN, COPY token.txt /tmp/token.txt then RUN rm, a secret mount (clean),
// a heredoc, COPY --chmod token.txt /linked.sh and COPY --chown token.txt /owned.txt. t:3 is busybox with
// ARG API_TOKEN and RUN echo hi, built with --provenance=mode=max.
const value = "lab-token-7f3a9c2e41";
const spec = (fields: Record<string, unknown> = {}) =>
  checkSpecSchema.parse({ id: "c", title: "t", kind: "secret-absent", image: "t:1", value, what: "the API token", ...fields }) as ImageSecretSpec;
const leaky = { inspect: recorded("secret-leaky-inspect"), scan: recorded("secret-leaky-scan") };

describe("secret-absent on a real image's layers and config", () => {
  it("reads which layers hold the value in which files, and where the config holds it", () => {
    const scan = parseSecretScan(leaky.scan.stdout)!;
    expect(scan.layers).toHaveLength(8);
    expect([...scan.found.values()].map((files) => files?.join(","))).toEqual(["", "used.txt", "tmp/token.txt", "", "", "", "linked.sh", "owned.txt"]);
    expect(scan.config.map((h) => h.path.join("."))).toEqual(["history.2.created_by", "history.4.created_by", "history.5.created_by", "history.6.created_by"]);
  });

  it("fails, naming the first layer and file, and hides the value itself", () => {
    const result = judgeImageSecret(spec(), leaky);
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^The API token is in the image t:1, where anyone who pulls the image can read it\. Layer 2 \(made by `RUN echo "using \$API_TOKEN" > \/used\.txt`\) holds it in used\.txt\. It is also in 7 more places: layer 3 \(made by `COPY token\.txt \/tmp\/token\.txt`\) holds it in tmp\/token\.txt/);
    expect(result.details).toContain("config history.2.created_by: RUN |1 API_TOKEN=••• /bin/sh -c");
    expect(result.details).not.toContain(value);
  });

  it("names a build argument in the history as the place when no layer holds it", () => {
    const stdout = leaky.scan.stdout.replace(/ found\n[^#]*/g, " clean\n");
    const result = judgeImageSecret(spec(), { ...leaky, scan: { ...leaky.scan, stdout } });
    expect(result.message).toMatch(/The image's history records it at step 3 \(a build argument a RUN uses is recorded with it\): `RUN \|1 API_TOKEN=••• \/bin\/sh -c echo/);
    expect(result.message).not.toContain(value);
  });

  it("reads the image's attestations too: max provenance records the build arguments", () => {
    const provenance = { inspect: recorded("secret-provenance-inspect"), scan: recorded("secret-provenance-scan") };
    const result = judgeImageSecret(spec({ image: "t:3" }), provenance);
    expect(result.message).toMatch(/It is also in 1 more place: the build's attestation \(its provenance, pushed with the image\) records it/);
    // Without the history's record, the attestation alone still fails the check.
    const stdout = provenance.scan.stdout.replace(/\n\{"path":\["history"[^\n]*/g, "");
    expect(judgeImageSecret(spec({ image: "t:3" }), { ...provenance, scan: { ...provenance.scan, stdout } }).message).toMatch(
      /^The API token is in the image t:3, where anyone who pulls the image can read it\. The build's attestation/,
    );
  });

  it("passes an image that holds it nowhere", () => {
    const clean = { inspect: recorded("secret-clean-inspect"), scan: recorded("secret-clean-scan") };
    expect(judgeImageSecret(spec({ image: "busybox" }), clean)).toMatchObject({
      passed: true,
      message: "The API token is not in the image busybox:latest: not in its one layer, nor in its configuration or history.",
    });
  });

  it("says when the image is missing, or a layer could not be read", () => {
    expect(judgeImageSecret(spec(), { inspect: recorded("image-inspect-missing"), tags: [] }).passed).toBe(false);
    const stdout = leaky.scan.stdout.replace(/(### layer \S+) clean/, "$1 missing");
    expect(judgeImageSecret(spec(), { ...leaky, scan: { ...leaky.scan, stdout } }).message).toMatch(/^The lab could not read layer 1 .* its blob is not in your image store\.$/);
    const zstd = leaky.scan.stdout.replace(/(### layer \S+) clean/, "$1 zstd");
    expect(judgeImageSecret(spec(), { ...leaky, scan: { ...leaky.scan, stdout: zstd } }).message).toMatch(/^The lab could not read layer 1 .* it is compressed with zstd/);
  });
});
