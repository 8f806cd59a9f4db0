import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { CommandOutput } from "@/lib/checks/check-result";
import {
  dockerSize,
  imageNameOfPurl,
  layerStackSchema,
  MIN_BAR_PERCENT,
  readLayerStack,
  shortInstruction,
  sizeParts,
  splitSections,
  stackLinks,
  stackRows,
  type BuiltStack,
} from "./layer-stack";
import { readLayersCommand } from "./read-layers";

/** Outputs of the layers script recorded from a real sandbox by fixtures/record.sh (chapter 04's own Dockerfiles). */
function recorded(name: string): CommandOutput {
  return JSON.parse(gunzipSync(readFileSync(path.join(import.meta.dirname, "fixtures", `${name}.out.gz`))).toString("utf8")) as CommandOutput;
}

function built(name: string): BuiltStack {
  const stack = readLayerStack(`fixture/layers:${name}`, recorded(name));
  if (stack.state !== "built") throw new Error(`expected a built image, got ${stack.state}`);
  return stack;
}

describe("the base image", () => {
  it("is named by its image, from the build's provenance, not by the ADD that made its layer", () => {
    const fat = built("fat");
    expect(fat.baseName).toBe("debian:bookworm-slim");
    const rows = stackRows(fat);
    expect(rows.at(-1)).toMatchObject({ kind: "base", label: "debian:bookworm-slim", layers: [1], sizeBytes: 84348928 });
    expect(rows.at(-1)!.instructions).toEqual([expect.stringMatching(/^ADD file:[0-9a-f]{64} in \/$/)]);
    // The learner's own steps, newest on top, each a row of its own.
    expect(rows.slice(0, -1).map((r) => [r.kind, r.label, r.sizeBytes])).toEqual([
      ["step", 'CMD ["hello"]', 0],
      ["step", "RUN rm -rf /var/lib/apt/lists/lab", 20480],
      ["step", "RUN printf '#!/bin/sh\\necho Hello from a layered image\\n' > /usr/local/bin/hello && chmod +x /usr/local/bin/hello", 20480],
      ["step", "RUN mkdir -p /var/lib/apt/lists/lab && head -c 60M /dev/urandom > /var/lib/apt/lists/lab/Packages", 62939136],
    ]);
  });

  it("is busybox for an image on busybox, its metadata-only steps kept as rows of their own", () => {
    const meta = built("meta");
    expect(meta.baseName).toBe("busybox:latest");
    expect(stackRows(meta).map((r) => r.label)).toEqual([
      'CMD ["httpd" "-f" "-p" "8080"]',
      "USER nobody",
      "EXPOSE map[8080/tcp:{}]",
      "COPY Dockerfile ./",
      "WORKDIR /srv",
      "ENV GREETING=hi",
      "LABEL maintainer=anna@example.com",
      "busybox:latest",
    ]);
  });

  it("is the nearest image built on: an image FROM a local image groups all of that image's layers under its name", () => {
    const onlocal = built("onlocal");
    expect(onlocal.baseName).toBe("fixture/layers:tool");
    const rows = stackRows(onlocal);
    expect(rows.map((r) => [r.kind, r.label, r.layers])).toEqual([
      ["step", "RUN rm -rf /usr/share/doc /usr/local/bin/tool", [4]],
      ["base", "fixture/layers:tool", [3, 2, 1]],
    ]);
  });

  it("is found among the local images when the build recorded no provenance (the classic builder)", () => {
    const classic = recorded("classic");
    expect(classic.stdout).not.toContain("### base pkg:docker/");
    expect(built("classic").baseName).toBe("debian:bookworm-slim");
  });

  it("is not claimed when no candidate's layers are the image's own bottom ones (every entry then a row)", () => {
    const out = recorded("fat");
    const withoutBases = { ...out, stdout: splitSections(out.stdout).filter((s) => s.name !== "base").map((s) => `### ${[s.name, ...s.args].join(" ")}\n${s.body}`).join("\n") };
    const stack = readLayerStack("fixture/layers:fat", withoutBases);
    if (stack.state !== "built") throw new Error(stack.state);
    expect(stack.baseName).toBeNull();
    expect(stackRows(stack).map((r) => r.kind)).toEqual(["step", "step", "step", "step", "step"]);
    expect(stackRows(stack).at(-1)!.label).toMatch(/^ADD file:[0-9a-f]{12}… in \/$/);
  });

  it("reads BuildKit's package URLs back into image names", () => {
    expect(imageNameOfPurl("pkg:docker/debian@bookworm-slim?platform=linux%2Famd64")).toBe("debian:bookworm-slim");
    expect(imageNameOfPurl("pkg:docker/example/app@1.0")).toBe("example/app:1.0");
    expect(imageNameOfPurl("pkg:docker/10.231.7.2%3A5000/lab/node@20-slim?platform=linux%2Famd64")).toBe("10.231.7.2:5000/lab/node:20-slim");
    expect(imageNameOfPurl("pkg:docker/node?digest=sha256%3Aabc&platform=linux%2Famd64")).toBe("node@sha256:abc");
  });
});

describe("bytes hidden by a later layer", () => {
  it("reads no listing the cap cut short: without the end mark the last one is partial, and hides nothing", () => {
    const out = recorded("fat");
    expect(out.stdout).toMatch(/\n### end\n?$/);
    const cut = { ...out, stdout: out.stdout.replace(/\n### end\n?$/, "").replace(/\.wh\.lab\n?$/, "") };
    const stack = readLayerStack("fixture/layers:fat", cut);
    if (stack.state !== "built") throw new Error(stack.state);
    expect(stack.hidden).toEqual([]);
    // Everything else still stands.
    expect(stack.baseName).toBe("debian:bookworm-slim");
    expect(stack.listedSize).toBe("240MB");
  });

  it("links the rm layer to the 60 MB it hides, and draws them as still shipped", () => {
    const fat = built("fat");
    expect(fat.hidden).toEqual([{ by: 4, layer: 2, how: "deleted", bytes: 62914560, files: 1, largest: "var/lib/apt/lists/lab/Packages" }]);
    const rows = stackRows(fat);
    const rm = rows.find((r) => r.label.startsWith("RUN rm"))!;
    const lists = rows.find((r) => r.label.includes("head -c 60M"))!;
    expect(rm.hides).toEqual(fat.hidden);
    expect(lists.hiddenBy).toEqual(fat.hidden);
    // Still in the bar: the hidden bytes are part of the layer's size, not taken from it.
    expect(lists.hiddenBytes).toBe(62914560);
    expect(lists.sizeBytes).toBe(62939136);
    expect(lists.widthPercent).toBe(74.6);
    expect(stackLinks(rows)).toEqual([{ from: 1, to: 3, lane: 0, how: "deleted" }]);
  });

  it("hides nothing when one RUN makes and deletes the lists (the fix)", () => {
    const slim = built("slim");
    expect(slim.hidden).toEqual([]);
    expect(stackLinks(stackRows(slim))).toEqual([]);
  });

  it("counts a file written again (a chmod) as hiding the first copy", () => {
    const tool = built("tool");
    expect(tool.hidden).toEqual([{ by: 3, layer: 2, how: "replaced", bytes: 20971520, files: 1, largest: "usr/local/bin/tool" }]);
  });

  it("links a layer that deletes files of the base to the base's row", () => {
    const onlocal = built("onlocal");
    // What fixture/layers:tool hides of itself (its chmod) is the base's business, not this Dockerfile's.
    expect(onlocal.hidden.map((h) => [h.by, h.layer, h.how, h.largest])).toEqual([
      [4, 3, "deleted", "usr/local/bin/tool"],
      [4, 1, "deleted", expect.stringMatching(/^usr\/share\/doc\//)],
    ]);
    const rows = stackRows(onlocal);
    expect(rows[1].hiddenBytes).toBe(onlocal.hidden.reduce((s, h) => s + h.bytes, 0));
    expect(stackLinks(rows)).toEqual([{ from: 0, to: 1, lane: 0, how: "deleted" }]);
  });
});

describe("the total", () => {
  it("is docker image ls's SIZE, which on the containerd image store adds the unpacked layers to their compressed blobs", () => {
    const fat = built("fat");
    expect(fat.listedSize).toBe("240MB");
    // docker image history's sizes: what today's "total" showed.
    expect(fat.unpackedBytes).toBe(147329024);
    // docker image inspect's Size: the blobs in the content store (the 60 MB of random bytes do not compress).
    expect(fat.contentBytes).toBeGreaterThan(92_000_000);
    expect(fat.contentBytes).toBeLessThan(93_000_000);
    expect(sizeParts(fat)).toEqual({ unpacked: "147MB", content: "92.9MB" });
    expect(sizeParts(built("slim"))).toEqual({ unpacked: "84.4MB", content: "30MB" });
    expect(built("slim").listedSize).toBe("114MB");
  });

  it("claims no parts when they do not add up to docker's figure", () => {
    expect(sizeParts({ ...built("fat"), listedSize: "241MB" })).toBeNull();
    expect(sizeParts({ ...built("fat"), listedSize: null })).toBeNull();
  });

  it("formats sizes as docker does", () => {
    expect(dockerSize(240233021)).toBe("240MB");
    expect(dockerSize(92903997)).toBe("92.9MB");
    expect(dockerSize(30000000)).toBe("30MB");
    expect(dockerSize(3170000)).toBe("3.17MB");
    expect(dockerSize(999)).toBe("999B");
    expect(dockerSize(20480)).toBe("20.5kB");
  });
});

describe("reading the image", () => {
  it("answers unchanged when the image still has the id the page pictures", () => {
    expect(readLayerStack("fixture/layers:fat", recorded("fat-unchanged"))).toEqual({
      state: "unchanged",
      image: "fixture/layers:fat",
      imageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
  });

  it("says the image is missing when Docker has no such image", () => {
    expect(readLayerStack("fixture/layers:nope", recorded("missing"))).toEqual({ state: "missing", image: "fixture/layers:nope" });
  });

  it("says Docker is not answering, in the learner's terms", () => {
    expect(readLayerStack("fixture/layers:fat", recorded("docker-down"))).toEqual({
      state: "unavailable",
      image: "fixture/layers:fat",
      message: "Docker in your sandbox is not answering (it may still be starting).",
    });
  });

  it("passes docker's own first line on for any other failure, and gives up on a timeout", () => {
    const other = readLayerStack("x", { stdout: "", stderr: "invalid reference format\nmore\n", exitCode: 1, timedOut: false });
    expect(other).toMatchObject({ state: "unavailable", message: "The layers could not be read: invalid reference format" });
    expect(readLayerStack("x", { stdout: "", stderr: "", exitCode: 124, timedOut: true })).toMatchObject({ state: "unavailable" });
    expect(readLayerStack("x", { stdout: "", stderr: "", exitCode: 0, timedOut: false })).toMatchObject({ state: "unavailable" });
  });

  it("answers in the shape the page validates", () => {
    for (const name of ["fat", "fat-unchanged", "slim", "tool", "meta", "onlocal", "classic", "missing", "docker-down"]) {
      expect(layerStackSchema.safeParse(readLayerStack("fixture/layers:x", recorded(name))).success).toBe(true);
    }
  });

  it("passes the image and the known id as arguments, never inside the script", () => {
    const command = readLayersCommand("example/layers:fat; rm -rf ~", "sha256:abc");
    expect(command.slice(0, 2)).toEqual(["bash", "-c"]);
    expect(command.slice(3)).toEqual(["read-layers", "example/layers:fat; rm -rf ~", "sha256:abc"]);
  });
});

describe("drawing the rows", () => {
  it("scales each bar against the largest row, the base counted as one", () => {
    expect(stackRows(built("fat")).map((r) => r.widthPercent)).toEqual([0, MIN_BAR_PERCENT, MIN_BAR_PERCENT, 74.6, 100]);
    const [chmod, copy, base] = stackRows(built("tool"));
    expect(chmod.widthPercent).toBe(copy.widthPercent);
    expect(chmod.widthPercent).toBe(24.9);
    expect(base.widthPercent).toBe(100);
  });

  it("gives overlapping links lanes of their own", () => {
    const row = (layer: number, hides: number[]) => ({
      kind: "step" as const,
      label: `L${layer}`,
      instructions: [],
      sizeBytes: 1,
      layers: [layer],
      widthPercent: 1,
      hiddenBytes: 0,
      hiddenBy: [],
      hides: hides.map((h) => ({ by: layer, layer: h, how: "deleted" as const, bytes: 1, files: 1, largest: "f" })),
    });
    // Rows newest first: layer 4 hides 1 and 2, layer 3 hides 2.
    const links = stackLinks([row(4, [2, 1]), row(3, [2]), row(2, []), row(1, [])]);
    expect(links).toEqual([
      { from: 0, to: 2, lane: 1, how: "deleted" },
      { from: 0, to: 3, lane: 2, how: "deleted" },
      { from: 1, to: 2, lane: 0, how: "deleted" },
    ]);
  });

  it("shortens digests and flattens continued lines for one line of text", () => {
    expect(shortInstruction("ADD file:4a8aad4600908617c7c20b74e554938f07b30ded0e7fc008558949c08b777cf2 in /")).toBe("ADD file:4a8aad460090… in /");
    expect(shortInstruction("RUN a \\\n && b")).toBe("RUN a \\ && b");
  });
});
