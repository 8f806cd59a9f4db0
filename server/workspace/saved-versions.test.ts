import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createSavedVersions } from "./saved-versions";

const dir = mkdtempSync(path.join(os.tmpdir(), "layerlab-saved-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("saved versions of a learner's exercise files", () => {
  it("keeps the latest save of each file per learner, newest first, and forgets them on request", async () => {
    let clock = 1000;
    const saved = createSavedVersions({ dir, maxBytesPerLearner: 1024 * 1024, now: () => clock++ });
    await saved.remember("ann", { workdir: "/home/learner/app", path: "Dockerfile", content: "FROM a" });
    await saved.remember("ann", { workdir: "/home/learner/app", path: "Dockerfile", content: "FROM b" });
    await saved.remember("ann", { workdir: "/home/learner/app", path: "src/index.js", content: "x" });
    await saved.remember("bob", { workdir: "/home/learner/app", path: "Dockerfile", content: "FROM bob" });
    expect((await saved.list("ann")).map((v) => [v.path, v.content]).sort()).toEqual([["Dockerfile", "FROM b"], ["src/index.js", "x"]]);
    expect(await saved.list("bob")).toEqual([{ workdir: "/home/learner/app", path: "Dockerfile", content: "FROM bob" }]);
    // Nothing a learner chose names a path on the lab's disk.
    expect(readdirSync(dir).every((name) => /^[0-9a-f]{32}$/.test(name))).toBe(true);
    await saved.forget("ann");
    expect(await saved.list("ann")).toEqual([]);
    expect(await saved.list("bob")).toHaveLength(1);
  });

  it("drops the oldest saves past the per-learner cap (positive control: under it, all are kept)", async () => {
    const saved = createSavedVersions({ dir, maxBytesPerLearner: 600 });
    const big = "y".repeat(200);
    await saved.remember("cap", { workdir: "/w", path: "one", content: big });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await saved.remember("cap", { workdir: "/w", path: "two", content: big });
    expect((await saved.list("cap")).map((v) => v.path).sort()).toEqual(["one", "two"]);
    // The file times order the saves, so they are a moment apart.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await saved.remember("cap", { workdir: "/w", path: "three", content: big });
    expect((await saved.list("cap")).map((v) => v.path).sort()).toEqual(["three", "two"]);
  });
});
