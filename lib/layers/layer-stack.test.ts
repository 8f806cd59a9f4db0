import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CommandOutput } from "@/lib/checks/check-result";
import { countLayers, historyCommand, layerBars, layerStackSchema, MIN_BAR_PERCENT, readLayerStack, shortInstruction, type LayerStack } from "./layer-stack";

/** Outputs recorded from a real sandbox by fixtures/record.sh (chapter 04's own Dockerfiles). */
function recorded(name: string): CommandOutput {
  return JSON.parse(readFileSync(path.join(import.meta.dirname, "fixtures", `${name}.out`), "utf8")) as CommandOutput;
}

function built(name: string): Extract<LayerStack, { state: "built" }> {
  const stack = readLayerStack(`fixture/layers:${name}`, recorded(`history-${name}`));
  if (stack.state !== "built") throw new Error(`expected a built image, got ${stack.state}`);
  return stack;
}

describe("reading an image's layers", () => {
  it("lists them newest first, in the Dockerfile's words, with their sizes and the total", () => {
    const fat = built("fat");
    expect(fat.layers).toEqual([
      { createdBy: 'CMD ["hello"]', sizeBytes: 0 },
      { createdBy: "RUN rm -rf /var/lib/apt/lists/lab", sizeBytes: 20480 },
      { createdBy: "RUN printf '#!/bin/sh\\necho Hello from a layered image\\n' > /usr/local/bin/hello && chmod +x /usr/local/bin/hello", sizeBytes: 20480 },
      { createdBy: "RUN mkdir -p /var/lib/apt/lists/lab && head -c 60M /dev/urandom > /var/lib/apt/lists/lab/Packages", sizeBytes: 62939136 },
      { createdBy: "ADD file:4a8aad4600908617c7c20b74e554938f07b30ded0e7fc008558949c08b777cf2 in /", sizeBytes: 84348928 },
    ]);
    expect(fat.totalBytes).toBe(0 + 20480 + 20480 + 62939136 + 84348928);
  });

  it("shows the fix: one RUN that makes and deletes the lists stores a few kilobytes", () => {
    const slim = built("slim");
    expect(slim.layers).toHaveLength(3);
    expect(slim.layers[1].createdBy).toMatch(/^RUN mkdir -p \/var\/lib\/apt\/lists\/lab .* && rm -rf \/var\/lib\/apt\/lists\/lab$/);
    expect(slim.layers[1].sizeBytes).toBeLessThan(100_000);
    expect(slim.totalBytes).toBeLessThan(built("fat").totalBytes - 60_000_000);
  });

  it("shows a chmod storing the whole file a second time", () => {
    const tool = built("tool");
    expect(tool.layers.map((l) => [l.createdBy, l.sizeBytes])).toEqual([
      ["RUN chmod 755 /usr/local/bin/tool", 20987904],
      ["COPY tool.bin /usr/local/bin/tool", 20987904],
      ["ADD file:4a8aad4600908617c7c20b74e554938f07b30ded0e7fc008558949c08b777cf2 in /", 84348928],
    ]);
  });

  it("says the image is missing when Docker has no such image", () => {
    expect(readLayerStack("fixture/layers:nope", recorded("history-missing"))).toEqual({ state: "missing", image: "fixture/layers:nope" });
  });

  it("says Docker is not answering, in the learner's terms", () => {
    expect(readLayerStack("fixture/layers:fat", recorded("history-docker-down"))).toEqual({
      state: "unavailable",
      image: "fixture/layers:fat",
      message: "Docker in your sandbox is not answering (it may still be starting).",
    });
  });

  it("passes docker's own first line on for any other failure, and gives up on a timeout", () => {
    const other = readLayerStack("x", { stdout: "", stderr: "invalid reference format\nmore\n", exitCode: 1, timedOut: false });
    expect(other).toMatchObject({ state: "unavailable", message: "The layers could not be read: invalid reference format" });
    expect(readLayerStack("x", { stdout: "", stderr: "", exitCode: 124, timedOut: true })).toMatchObject({ state: "unavailable" });
  });

  it("answers in the shape the page validates", () => {
    for (const name of ["fat", "slim", "tool", "meta", "missing", "docker-down"]) {
      expect(layerStackSchema.safeParse(readLayerStack("fixture/layers:x", recorded(`history-${name}`))).success).toBe(true);
    }
  });

  it("runs the history in bytes, the image last", () => {
    expect(historyCommand("example/layers:fat")).toEqual(["docker", "image", "history", "--no-trunc", "--human=false", "--format", "json", "example/layers:fat"]);
  });
});

describe("drawing the layers", () => {
  it("scales each bar by its size against the largest layer", () => {
    const bars = layerBars(built("fat").layers);
    expect(bars.map((b) => b.widthPercent)).toEqual([0, MIN_BAR_PERCENT, MIN_BAR_PERCENT, 74.6, 100]);
    expect(bars.map((b) => b.empty)).toEqual([true, false, false, false, false]);
  });

  it("gives two equal layers equal bars", () => {
    const [chmod, copy, base] = layerBars(built("tool").layers);
    expect(chmod.widthPercent).toBe(copy.widthPercent);
    expect(chmod.widthPercent).toBe(24.9);
    expect(base.widthPercent).toBe(100);
  });

  it("marks metadata-only instructions as empty and counts them apart", () => {
    const layers = built("meta").layers;
    expect(layerBars(layers).filter((b) => b.empty).map((b) => b.createdBy)).toEqual([
      'CMD ["httpd" "-f" "-p" "8080"]',
      "USER nobody",
      "EXPOSE map[8080/tcp:{}]",
      "ENV GREETING=hi",
      "LABEL maintainer=anna@example.com",
    ]);
    expect(countLayers(layers)).toEqual({ withFiles: 3, metadataOnly: 5 });
  });

  it("draws nothing for an image with no layers, and no bar for an all-empty one", () => {
    expect(layerBars([])).toEqual([]);
    expect(layerBars([{ createdBy: "CMD x", sizeBytes: 0 }])).toEqual([{ createdBy: "CMD x", sizeBytes: 0, empty: true, widthPercent: 0 }]);
  });

  it("shortens digests and flattens continued lines for one line of text", () => {
    expect(shortInstruction("ADD file:4a8aad4600908617c7c20b74e554938f07b30ded0e7fc008558949c08b777cf2 in /")).toBe("ADD file:4a8aad460090… in /");
    expect(shortInstruction("RUN a \\\n && b")).toBe("RUN a \\ && b");
  });
});
