import { describe, expect, it } from "vitest";
import { MAX_PATH_LENGTH, normalizeWorkdir, resolveExercisePath } from "./exercise-path";

const workdir = "/home/learner/ch01";

describe("resolveExercisePath", () => {
  it("joins plain relative paths to the workdir", () => {
    expect(resolveExercisePath(workdir, "Dockerfile")).toEqual({ ok: true, relative: "Dockerfile", absolute: "/home/learner/ch01/Dockerfile" });
    expect(resolveExercisePath(workdir + "/", "app/main.go")).toMatchObject({ ok: true, absolute: "/home/learner/ch01/app/main.go" });
    expect(resolveExercisePath(workdir, ".dockerignore")).toMatchObject({ ok: true });
    expect(resolveExercisePath(workdir, "a..b/..c")).toMatchObject({ ok: true });
    expect(resolveExercisePath(workdir, "with space/ünïcode.txt")).toMatchObject({ ok: true });
  });

  it.each([
    ["..", "leaves the exercise folder"],
    ["../ch02/Dockerfile", "leaves the exercise folder"],
    ["app/../../etc/passwd", "leaves the exercise folder"],
    ["app/..", "leaves the exercise folder"],
    ["/etc/passwd", "absolute"],
    ["/home/learner/ch01/Dockerfile", "absolute"],
    ["", "empty"],
    ["./Dockerfile", '"."'],
    ["app//main.go", "empty"],
    ["app/", "folder"],
    ["Docker\nfile", "control characters"],
    ["Dockerfile\u0000", "control characters"],
  ])("refuses %j (%s)", (path, reason) => {
    const result = resolveExercisePath(workdir, path);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(reason);
  });

  it("refuses overlong paths", () => {
    expect(resolveExercisePath(workdir, "a".repeat(MAX_PATH_LENGTH)).ok).toBe(true);
    expect(resolveExercisePath(workdir, "a".repeat(MAX_PATH_LENGTH + 1)).ok).toBe(false);
  });
});

describe("normalizeWorkdir", () => {
  it("drops trailing slashes", () => {
    expect(normalizeWorkdir("/home/learner/ch01//")).toBe("/home/learner/ch01");
  });
  it.each(["", "/", "home/learner", "/home/../etc", "/home/./learner", "/home//learner"])("refuses %j", (w) => {
    expect(() => normalizeWorkdir(w)).toThrow();
  });
});
