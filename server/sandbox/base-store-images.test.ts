import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COURSE_BASE_IMAGES } from "./base-store-seed";

/** Every file under content/, relative paths. */
async function contentFiles(dir = "content"): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? contentFiles(path.join(dir, e.name)) : [path.join(dir, e.name)])));
  return nested.flat();
}

const withTag = (image: string) => (image.includes(":") ? image : `${image}:latest`);

describe("the base-image store's list", () => {
  it("holds every base image the course's Dockerfiles, drills and checks start from", async () => {
    const named = new Set<string>();
    for (const file of await contentFiles()) {
      const text = await readFile(file, "utf8");
      if (/^Dockerfile/.test(path.basename(file))) {
        const stages = new Set([...text.matchAll(/^FROM\s.*\sAS\s+(\S+)/gim)].map((m) => m[1]));
        for (const [, image] of text.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)/gim)) {
          if (image !== "scratch" && !stages.has(image) && !image.includes("{{")) named.add(image.replace(/@sha256:.*$/, ""));
        }
      }
      if (path.basename(file) === "drill.yaml") for (const [, list] of text.matchAll(/^\s*base:\s*\[(.*)\]/gm)) list.split(",").forEach((i) => named.add(i.trim().replace(/^["']|["']$/g, "")));
      // A check's image that names an official image (no repository path): the learner runs it, not builds it.
      if (path.basename(file) === "chapter.yaml") for (const [, image] of text.matchAll(/^\s*image:\s*([a-z0-9.-]+(?::[\w.-]+)?)\s*$/gm)) named.add(image);
    }
    // The walk found what we know is there (so an empty result cannot pass).
    expect([...named]).toEqual(expect.arrayContaining(["node:18", "golang:1.19", "busybox", "registry:2"]));
    const listed = new Set(COURSE_BASE_IMAGES.map(withTag));
    expect([...named].map(withTag).filter((i) => !listed.has(i))).toEqual([]);
  });
});
