import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ContentError, loadCourse } from "./course";

describe("the real course", () => {
  it("loads, with every chapter complete", async () => {
    const course = await loadCourse();
    expect(course.chapters.length).toBeGreaterThan(0);
    expect(course.chapters.map((c) => c.order)).toEqual([...course.chapters.map((c) => c.order)].sort((a, b) => a - b));
    for (const chapter of course.chapters) {
      expect(chapter.workdir).toMatch(/^\/home\/learner\/[^/]/);
      expect(chapter.files.length, chapter.id).toBeGreaterThan(0);
      for (const step of chapter.steps) {
        expect(step.markdown.trim(), `${chapter.id}/${step.id}`).not.toBe("");
        expect(step.solutionMarkdown.trim(), `${chapter.id}/${step.id}`).not.toBe("");
        expect(step.hints.length, `${chapter.id}/${step.id} hints`).toBeGreaterThan(0);
        expect(step.checks.map((c) => c.id)).toContain(step.wrongAnswer.fails);
      }
    }
  });
});

describe("a broken chapter", () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function copyOfFirstChapter(): Promise<{ yamlPath: string; yaml: string; shown: string }> {
    dir = await mkdtemp(path.join(tmpdir(), "layerlab-content-"));
    const course = await loadCourse();
    const first = course.chapters[0];
    const folder = `${String(first.order).padStart(2, "0")}-${first.id}`;
    await cp(path.join("content/chapters", folder), path.join(dir, "chapters", folder), { recursive: true });
    const yamlPath = path.join(dir, "chapters", folder, "chapter.yaml");
    return { yamlPath, yaml: await readFile(yamlPath, "utf8"), shown: path.join(dir, "chapters", folder, "chapter.yaml") };
  }

  it("names the file and the field path of a wrong type", async () => {
    const { yamlPath, shown } = await copyOfFirstChapter();
    await writeFile(
      yamlPath,
      `id: anatomy
title: T
summary: S
workdir: /home/learner/x
files: [Dockerfile, index.js, package.json, .dockerignore]
steps:
  - id: one
    title: One
    body: steps/01-build.md
    hints: [h]
    solution: steps/01-build.solution.md
    solutionScript: steps/01-build.solution.sh
    wrongAnswer: { script: steps/01-build.wrong.sh, fails: small }
    checks:
      - { id: exists, kind: image-exists, title: E, image: example/x }
      - { id: small, kind: image-size, title: S, image: example/x, maxMb: "ten" }
`,
    );
    const error = await loadCourse(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentError);
    expect((error as Error).message).toBe(`${shown}: steps[0].checks[1].maxMb: expected number, received string`);
  });

  it("names an unknown check kind, a missing file and a wrong-answer check that does not exist", async () => {
    const { yamlPath, yaml, shown } = await copyOfFirstChapter();
    await writeFile(yamlPath, yaml.replace("kind: image-exists", "kind: image-exist"));
    await expect(loadCourse(dir)).rejects.toThrow(`${shown}: steps[0].checks[0].kind: Invalid discriminator value`);

    await writeFile(yamlPath, yaml.replace("body: steps/01-build.md", "body: steps/01-nothing.md"));
    await expect(loadCourse(dir)).rejects.toThrow(`${shown}: steps[0].body: there is no file`);

    await writeFile(yamlPath, yaml.replace("fails: image-exists", "fails: image-exits"));
    await expect(loadCourse(dir)).rejects.toThrow(`${shown}: steps[0].wrongAnswer.fails: names no check of this step`);
  });

  it("gives the line of a YAML syntax error", async () => {
    const { yamlPath, shown } = await copyOfFirstChapter();
    await writeFile(yamlPath, "id: anatomy\ntitle: [unclosed\nsummary: x\n");
    await expect(loadCourse(dir)).rejects.toThrow(new RegExp(`^${shown.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:1: `));
  });
});
