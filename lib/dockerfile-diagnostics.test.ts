import { describe, expect, it } from "vitest";
import { dockerfileProblems } from "./dockerfile-diagnostics";

describe("dockerfileProblems", () => {
  it("finds nothing wrong in a sound Dockerfile", () => {
    expect(dockerfileProblems("FROM debian:bookworm-slim\nRUN apt-get update\nCMD [\"bash\"]\n")).toEqual([]);
  });

  it("reports an unknown instruction at its place, 1-based", () => {
    const [problem] = dockerfileProblems("FROM debian\nRUNN echo hi\n");
    expect(problem).toMatchObject({ severity: "error", startLineNumber: 2, startColumn: 1, endLineNumber: 2, endColumn: 5 });
    expect(problem.message).toMatch(/unknown instruction/i);
  });

  it("warns about lowercase instructions and a missing FROM", () => {
    const problems = dockerfileProblems("run echo hi\n");
    expect(problems.some((p) => p.severity === "warning" && /uppercase/i.test(p.message))).toBe(true);
    expect(problems.some((p) => p.severity === "error" && /FROM/.test(p.message))).toBe(true);
  });
});
