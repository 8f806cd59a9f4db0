import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { coveringVariants } from "@/lib/drills/variant";
import { ContentError } from "./course";
import { drillVariant, loadDrills } from "./drills";

describe("the real drills", () => {
  it("load: at least 15, each with files, hints, a fix and a check the broken project must fail", async () => {
    const drills = await loadDrills();
    expect(drills.length).toBeGreaterThanOrEqual(15);
    expect(new Set(drills.map((d) => d.failure)).size).toBe(drills.length);
    for (const drill of drills) {
      expect(drill.workdir).toBe(`/home/learner/drills/${drill.id}`);
      for (const values of coveringVariants(drill.variables)) {
        const variant = drillVariant({ ...drill, variables: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [v]])) }, 0);
        expect(variant.checks.map((c) => c.id), drill.id).toContain(variant.broken.fails);
        // No placeholder survives rendering anywhere the learner or a check would see it.
        const texts = [variant.goal, ...variant.hints, variant.fixNotes, variant.fixScript, ...variant.files.map((f) => f.content), ...variant.fix.map((f) => f.content), JSON.stringify(variant.checks)];
        for (const text of texts) expect(text, drill.id).not.toMatch(/\{\{\s*[a-zA-Z][a-zA-Z0-9]*\s*\}\}/);
      }
    }
  });

  it("vary with the seed: another seed, other names in the files and the checks", async () => {
    const drill = (await loadDrills()).find((d) => d.id === "shell-exec-form")!;
    const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
    const names = new Set(seeds.map((s) => drillVariant(drill, s).values.name));
    expect(names.size).toBeGreaterThan(1);
    const variant = drillVariant(drill, seeds.find((s) => drillVariant(drill, s).values.name !== "Ada")!);
    expect(variant.files[0].content).toContain(`NAME=${variant.values.name}`);
    expect(JSON.stringify(variant.checks)).toContain(`Hello, ${variant.values.name}!`);
  });
});

describe("a broken drill", () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function copyOf(folder: string): Promise<string> {
    dir = await mkdtemp(path.join(tmpdir(), "layerlab-drills-"));
    await cp(path.join("content/drills", folder), path.join(dir, "drills", folder), { recursive: true });
    return path.join(dir, "drills", folder, "drill.yaml");
  }

  async function errorOf(): Promise<ContentError> {
    const error = await loadDrills(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContentError);
    return error as ContentError;
  }

  it("names the file and the field of a missing field", async () => {
    const yamlPath = await copyOf("05-shell-exec-form");
    await writeFile(yamlPath, (await readFile(yamlPath, "utf8")).replace(/^parMinutes: .*\n/m, ""));
    expect((await errorOf()).message).toBe(`${yamlPath}: parMinutes: expected number, received undefined`);
  });

  it("names a check field that is wrong only for one variant's value", async () => {
    const yamlPath = await copyOf("04-workdir-paths");
    await writeFile(yamlPath, (await readFile(yamlPath, "utf8")).replace("port: [8080, 8000, 8888]", "port: [8080, 8000, web]"));
    expect((await errorOf()).message).toMatch(new RegExp(`^${yamlPath} \\(with site=wiki, port=web\\): checks\\[1\\]\\.port: expected number`));
  });

  it("refuses a placeholder that names no variable", async () => {
    const yamlPath = await copyOf("05-shell-exec-form");
    await writeFile(yamlPath, (await readFile(yamlPath, "utf8")).replace("summary: ", "summary: about {{colour}}, "));
    expect((await errorOf()).message).toBe(`${yamlPath}: {{colour}} names no variable of this drill; declare it under variables.`);
  });

  it("refuses a project file that is not listed", async () => {
    const yamlPath = await copyOf("05-shell-exec-form");
    await writeFile(path.join(path.dirname(yamlPath), "files", "stray.txt"), "x");
    expect((await errorOf()).message).toBe(`${yamlPath}: files: files/stray.txt is in the drill folder but not listed, so it would never be used.`);
  });

  it("refuses a broken.fails that names no check", async () => {
    const yamlPath = await copyOf("05-shell-exec-form");
    await writeFile(yamlPath, (await readFile(yamlPath, "utf8")).replace("fails: greets", "fails: greetz"));
    expect((await errorOf()).message).toBe(`${yamlPath}: broken.fails: names no check of this drill (checks: builds, greets)`);
  });
});
