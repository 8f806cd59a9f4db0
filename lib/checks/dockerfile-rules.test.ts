import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "./check-spec";
import { judgeDockerfile, type DockerfileSpec } from "./dockerfile-rules";
import { recorded } from "./fixtures/recorded";

const spec = (expect: Record<string, unknown>) => checkSpecSchema.parse({ id: "c", title: "t", kind: "dockerfile", expect }) as DockerfileSpec;
const read = (text: string) => ({ stdout: text, stderr: "", exitCode: 0, timedOut: false });
const recordedDockerfile = recorded("file-dockerfile");

describe("Dockerfile rules", () => {
  it("USER is set and not root", () => {
    expect(judgeDockerfile(spec({ rule: "user-not-root" }), recordedDockerfile)).toEqual({ passed: true, message: "The app runs as nobody (line 10)." });
    expect(judgeDockerfile(spec({ rule: "user-not-root" }), read("FROM node:18\nUSER root\nCMD node\n")).message).toBe("Line 2 of Dockerfile says USER root: the app would run as root.");
    expect(judgeDockerfile(spec({ rule: "user-not-root" }), read("FROM golang AS b\nUSER app\nFROM node:18\nCMD node\n")).message).toBe(
      "Dockerfile never sets USER in its final stage, so the app runs as its base image's user, which is root for node:18.",
    );
  });

  it("COPY package.json before COPY .", () => {
    const order = spec({ rule: "order", first: "^COPY .*package\\.json", then: "^COPY \\. \\." });
    expect(judgeDockerfile(order, read("FROM node\nCOPY package.json ./\nRUN x\nCOPY . .\n")).passed).toBe(true);
    expect(judgeDockerfile(order, read("FROM node\nCOPY . .\nRUN x\nCOPY package.json ./\n")).message).toBe(
      "In Dockerfile, `COPY . .` (line 2) comes before `COPY package.json ./` (line 4); it should come after.",
    );
    expect(judgeDockerfile(order, read("FROM node\nCOPY . .\n")).message).toBe("Dockerfile has no instruction matching /^COPY .*package\\.json/.");
  });

  it("present and absent instructions, flags included", () => {
    const cacheMount = spec({ rule: "present", matches: "^RUN --mount=type=cache,target=/root/\\.cache/go-build", what: "RUN with a cache mount for Go's build cache" });
    expect(judgeDockerfile(cacheMount, read("FROM golang\nRUN --mount=type=cache,target=/root/.cache/go-build \\\n  go build .\n"))).toEqual({
      passed: true,
      message: "Line 2: `RUN --mount=type=cache,target=/root/.cache/go-build go build .`.",
    });
    expect(judgeDockerfile(cacheMount, read("FROM golang\nRUN go build .\n")).message).toBe("Dockerfile has no RUN with a cache mount for Go's build cache yet.");
    expect(judgeDockerfile(spec({ rule: "absent", matches: "^RUN rm ", what: "a RUN that only deletes files" }), recordedDockerfile).message).toBe(
      "Dockerfile still has a RUN that only deletes files: line 7, `RUN rm /big.bin`.",
    );
  });

  it("stages", () => {
    const multistage = spec({ rule: "stages", min: 2, finalFrom: "^scratch$" });
    expect(judgeDockerfile(multistage, read("FROM golang:1.19 AS build\nRUN go build\nFROM scratch\nCOPY --from=build /hello /\n")).passed).toBe(true);
    expect(judgeDockerfile(multistage, recordedDockerfile).message).toBe("Dockerfile has 1 stage (FROM lines); at least 2 expected.");
    expect(judgeDockerfile(multistage, read("FROM golang:1.19 AS build\nFROM golang:1.19\n")).message).toBe(
      "The final stage of Dockerfile starts FROM golang:1.19 (line 2); it should start from /^scratch$/.",
    );
  });

  it("a missing Dockerfile, and one with no FROM yet", () => {
    expect(judgeDockerfile(spec({ rule: "user-not-root" }), recorded("file-missing")).message).toBe("There is no Dockerfile.");
    expect(judgeDockerfile(spec({ rule: "user-not-root" }), read("# nothing yet\n")).message).toBe("Dockerfile has no FROM line yet.");
  });
});
