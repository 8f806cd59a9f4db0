import { describe, expect, it } from "vitest";
import type { CommandOutput } from "./check-result";
import { checkSpecSchema } from "./check-spec";
import { recorded } from "./fixtures/recorded";
import { judgeLayerFiles, parseImageLayers, parseListings, selectLayers, type LayerFileSpec } from "./layer-files";

// The manifest and config of a busybox image built from
//   LABEL …, ENV …, WORKDIR /app, COPY secret.txt app.sh ./, RUN rm secret.txt, CMD …
// as read from a real sandbox's content store (trimmed to the fields the judge reads).
const digests = ["sha256:2abc19", "sha256:a549ce", "sha256:907f3e", "sha256:1b32d1"];
const manifest = JSON.stringify({ config: { digest: "sha256:78c3b2" }, layers: digests.map((digest) => ({ digest })) });
const config = JSON.stringify({
  history: [
    { created_by: "/bin/sh -c #(nop) ADD file:f35d9bb46e32 in /" },
    { created_by: "LABEL org.opencontainers.image.title=inside", empty_layer: true },
    { created_by: "ENV GREETING=Hello from inside", empty_layer: true },
    { created_by: "WORKDIR /app" },
    { created_by: "COPY secret.txt app.sh ./ # buildkit" },
    { created_by: "RUN /bin/sh -c rm secret.txt # buildkit" },
    { created_by: 'CMD ["sh" "app.sh"]', empty_layer: true },
  ],
});
const output = (stdout: string, exitCode = 0): CommandOutput => ({ stdout, stderr: "", exitCode, timedOut: false });
const blobs = output(`${manifest}\n${config}\n`);
const listings = output(
  ["### sha256:a549ce", "app/", "### sha256:907f3e", "app/", "app/app.sh", "app/secret.txt", "### sha256:1b32d1", "app/", "app/.wh.secret.txt", "### sha256:2abc19 missing"].join("\n"),
);
const evidence = { inspect: recorded("image-inspect"), blobs, listings };
const spec = (fields: Record<string, unknown>) => checkSpecSchema.parse({ id: "c", title: "t", kind: "layer-files", image: "fixture/web", ...fields }) as LayerFileSpec;

describe("image layers", () => {
  it("pairs the manifest's layers with the history entries that made a layer", () => {
    expect(parseImageLayers(blobs.stdout)?.map((l) => `${l.number} ${l.createdBy}`)).toEqual([
      "1 ADD file:f35d9bb46e32 in /",
      "2 WORKDIR /app",
      "3 COPY secret.txt app.sh ./",
      "4 RUN rm secret.txt",
    ]);
  });

  it("numbers the layers only, when the history does not match them", () => {
    const short = `${manifest}\n${JSON.stringify({ history: [] })}`;
    expect(parseImageLayers(short)?.map((l) => l.createdBy)).toEqual(["layer 1", "layer 2", "layer 3", "layer 4"]);
    expect(parseImageLayers("not json")).toBeNull();
  });

  it("selects the layers of a step, or all", () => {
    const layers = parseImageLayers(blobs.stdout)!;
    expect(selectLayers(spec({ step: "^RUN rm", holds: "x" }), layers).map((l) => l.digest)).toEqual(["sha256:1b32d1"]);
    expect(selectLayers(spec({ lacks: "x" }), layers)).toHaveLength(4);
  });

  it("reads the listings, and marks blobs the store lacks", () => {
    const parsed = parseListings(listings.stdout);
    expect(parsed.get("sha256:907f3e")).toEqual(["app/", "app/app.sh", "app/secret.txt"]);
    expect(parsed.get("sha256:2abc19")).toBeNull();
  });
});

describe("layer-files checks", () => {
  it("finds the whiteout in the deleting step's layer, and says what it is", () => {
    expect(judgeLayerFiles(spec({ step: "^RUN rm secret", holds: "^app/\\.wh\\.secret\\.txt$" }), evidence)).toMatchObject({
      passed: true,
      message: "Layer 4 (made by `RUN rm secret.txt`) holds app/.wh.secret.txt (a whiteout: it hides app/secret.txt of the layers below).",
    });
  });

  it("finds a deleted file still in the layer that added it", () => {
    const result = judgeLayerFiles(spec({ step: "^COPY secret", holds: "^app/secret\\.txt$" }), evidence);
    expect(result.passed).toBe(true);
    expect(result.details).toContain("layer 3 (made by `COPY secret.txt app.sh ./`):\n  app/\n  app/app.sh\n  app/secret.txt");
  });

  it("fails a file that no layer may hold, naming the layer", () => {
    expect(judgeLayerFiles(spec({ step: "^(COPY|RUN)", lacks: "secret\\.txt$" }), evidence).message).toBe(
      "In the image fixture/web:latest, layer 3 (made by `COPY secret.txt app.sh ./`) still holds app/secret.txt: anyone who pulls the image can read it.",
    );
    expect(judgeLayerFiles(spec({ step: "^WORKDIR", lacks: "secret\\.txt$" }), evidence)).toMatchObject({
      passed: true,
      message: "Layer 2 (made by `WORKDIR /app`) holds no file matching /secret\\.txt$/.",
    });
    expect(judgeLayerFiles(spec({ step: "^(WORKDIR|RUN)", lacks: "^app/secret\\.txt$" }), evidence).message).toBe(
      "None of layers 2, 4 (made by steps matching /^(WORKDIR|RUN)/) holds a file matching /^app/secret\\.txt$/.",
    );
  });

  it("says so when no step matches, a file is absent, or a blob is gone", () => {
    expect(judgeLayerFiles(spec({ step: "^RUN apt", holds: "x" }), evidence).message).toMatch(/^No layer of the image fixture\/web:latest was made by a step matching \/\^RUN apt\/\./);
    expect(judgeLayerFiles(spec({ step: "^RUN rm", holds: "^app/secret\\.txt$" }), evidence).message).toBe(
      "Layer 4 (made by `RUN rm secret.txt`) holds no file matching /^app/secret\\.txt$/.",
    );
    expect(judgeLayerFiles(spec({ holds: "nothing-like-this" }), evidence).message).toMatch(/blob is not in your image store/);
    expect(judgeLayerFiles(spec({ holds: "x" }), { ...evidence, blobs: output("", 1) }).message).toBe("The lab could not read the manifest of the image fixture/web:latest.");
  });

  it("answers for a missing image first", () => {
    expect(judgeLayerFiles(spec({ holds: "x" }), { inspect: recorded("image-inspect-missing") }).message).toMatch(/^There is no image fixture\/web:latest yet\./);
  });

  it("wants holds or lacks", () => {
    expect(checkSpecSchema.safeParse({ id: "c", title: "t", kind: "layer-files", image: "x" }).success).toBe(false);
  });
});
