import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLayerStack, sizeParts, stackLinks, stackRows, type BuiltStack, type LayerStack } from "@/lib/layers/layer-stack";
import { LISTING_BYTES, readLayersCommand } from "@/lib/layers/read-layers";
import { getChapter } from "../content/course";
import { createTestSandbox, type TestSandbox } from "../checks/sandbox.test-support";
import { placeExerciseFiles } from "../workspace/exercise-workspace";
import { readImageLayers } from "./learner-layers";

/**
 * The layer view's reading of a real image in a real sandbox: chapter 04's Dockerfile built as a learner
 * builds it (the step's own solution script), then read as the layers route reads it.
 */
describe("reading the layers of chapter 04's image in a real sandbox", () => {
  let sandbox: TestSandbox;
  let workdir: string;

  const asLearner = async (script: string) => {
    const result = await sandbox.exec(["bash", "-c", `set -euo pipefail\ncd '${workdir}'\n${script}`], { user: "learner", timeoutMs: 600_000 });
    expect(result.exitCode, `${script}\n${result.stdout}\n${result.stderr}`).toBe(0);
    return result.stdout.trim();
  };
  const read = (image: string, known?: string) => readImageLayers(sandbox.driver, sandbox.id, image, known);
  const builtOf = (stack: LayerStack): BuiltStack => {
    if (stack.state !== "built") throw new Error(`expected a built image, got ${JSON.stringify(stack)}`);
    return stack;
  };

  beforeAll(async () => {
    const chapter = (await getChapter("layers"))!;
    workdir = chapter.workdir;
    sandbox = await createTestSandbox();
    await placeExerciseFiles({ driver: sandbox.driver, sandboxId: sandbox.id, workdir }, chapter.files);
  });
  afterAll(async () => {
    await sandbox?.destroy();
  });

  it("says the image is missing before the build", async () => {
    expect(await read("example/layers:fat")).toEqual({ state: "missing", image: "example/layers:fat" });
  });

  it("names the base by its image, links the rm to the bytes it hides, and shows docker image ls's size", async () => {
    const chapter = (await getChapter("layers"))!;
    await asLearner(chapter.steps[0].solutionScript);
    const fat = builtOf(await read("example/layers:fat"));

    expect(fat.imageId).toBe(await asLearner("docker image inspect --format '{{.Id}}' example/layers:fat"));
    expect(fat.baseName).toBe("debian:bookworm-slim");
    const rows = stackRows(fat);
    expect(rows.at(-1)).toMatchObject({ kind: "base", label: "debian:bookworm-slim" });
    expect(rows.map((r) => r.label)).not.toContainEqual(expect.stringMatching(/^ADD file:/));

    const rm = rows.findIndex((r) => r.label === "RUN rm -rf /var/lib/apt/lists/lab");
    const lists = rows.findIndex((r) => r.label.includes("head -c 60M /dev/urandom"));
    expect(rows[rm].hides).toEqual([{ by: rows[rm].layers[0], layer: rows[lists].layers[0], how: "deleted", bytes: 60 * 1024 * 1024, files: 1, largest: "var/lib/apt/lists/lab/Packages" }]);
    expect(rows[lists].hiddenBytes).toBe(60 * 1024 * 1024);
    expect(stackLinks(rows)).toEqual([{ from: rm, to: lists, lane: 0, how: "deleted" }]);

    // The very figure the learner's `docker image ls` prints, and the two parts it adds up.
    const listed = await asLearner("docker image ls --format '{{.Size}}' example/layers:fat");
    expect(fat.listedSize).toBe(listed);
    expect(sizeParts(fat)).not.toBeNull();
    const history = await asLearner("docker image history --human=false --format '{{.Size}}' example/layers:fat");
    expect(fat.unpackedBytes).toBe(history.split("\n").reduce((sum, s) => sum + Number(s), 0));
  });

  it("answers unchanged only while the image keeps the id the page pictures", async () => {
    const id = builtOf(await read("example/layers:fat")).imageId;
    expect(await read("example/layers:fat", id)).toEqual({ state: "unchanged", image: "example/layers:fat", imageId: id });
    // Rebuilt differently under the same tag: the whole new picture, even asked with the old id.
    await asLearner("printf 'FROM example/layers:fat\\nLABEL rebuilt=yes\\n' | docker image build -q -t example/layers:fat - >/dev/null");
    const rebuilt = builtOf(await read("example/layers:fat", id));
    expect(rebuilt.imageId).not.toBe(id);
    expect(rebuilt.baseName).toBe("example/layers:fat");
  });

  it("shows no hidden bytes once one RUN makes and deletes the lists", async () => {
    const chapter = (await getChapter("layers"))!;
    await asLearner(chapter.steps[1].solutionScript);
    const slim = builtOf(await read("example/layers:slim"));
    expect(slim.baseName).toBe("debian:bookworm-slim");
    expect(slim.hidden).toEqual([]);
    expect(slim.listedSize).toBe(await asLearner("docker image ls --format '{{.Size}}' example/layers:slim"));
  });

  it("caps what an image of 200,000 files sends the lab, and still pictures it", { timeout: 600_000 }, async () => {
    await asLearner(
      "printf 'FROM debian:bookworm-slim\\nRUN mkdir /many && cd /many && seq -f %%064g 200000 | xargs touch\\n' | docker image build -q -t example/layers:many - >/dev/null",
    );
    const output = await sandbox.driver.exec(sandbox.id, readLayersCommand("example/layers:many"), { user: "learner", timeoutMs: 120_000 });
    expect(output.exitCode, output.stderr).toBe(0);
    // The listing of the 200,000 files alone is about 23 MB; the lab gets the cap and a few lines more.
    expect(output.stdout.length).toBeLessThan(LISTING_BYTES + 1024 * 1024);
    expect(output.stdout).not.toMatch(/\n### end\n?$/);
    const many = builtOf(readLayerStack("example/layers:many", output));
    expect(many.baseName).toBe("debian:bookworm-slim");
    expect(many.listedSize).toBe(await asLearner("docker image ls --format '{{.Size}}' example/layers:many"));
    expect(many.hidden).toEqual([]);
  });

  it("runs nothing a hostile image name says: it is an argument, never part of the script", async () => {
    // Positive control: the learner can create the file, so its absence below means the name was not run.
    await asLearner("touch ~/probe && rm ~/probe");
    const stack = await read("x; touch /home/learner/pwned; echo");
    expect(stack).toMatchObject({ state: "unavailable", message: expect.stringMatching(/^The layers could not be read: .*invalid reference format/) });
    expect(await asLearner("test -e ~/pwned && echo present || echo absent")).toBe("absent");
  });
});
