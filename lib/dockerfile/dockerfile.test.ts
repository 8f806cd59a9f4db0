import { describe, expect, it } from "vitest";
import { copies, finalStage, isRootUser, parseDockerfile, runCommands, stageUser } from "./dockerfile";

const multistage = `# syntax=docker/dockerfile:1
ARG GO_VERSION=1.19
FROM --platform=$BUILDPLATFORM golang:\${GO_VERSION} AS builder
WORKDIR /src
COPY go.mod ./
COPY *.go ./
RUN --mount=type=cache,target=/root/.cache/go-build \\
    CGO_ENABLED=0 go build \\
    -o /out/hello .

FROM scratch
COPY --from=builder /out/hello /hello
COPY ["static files/", "/static/"]
USER 65534:65534
CMD ["/hello"]
`;

describe("parseDockerfile", () => {
  const parsed = parseDockerfile(multistage);

  it("numbers lines from 1 and spans continuations", () => {
    const run = runCommands(parsed)[0];
    expect(run.line).toBe(7);
    expect(run.endLine).toBe(9);
    expect(run.args).toBe("CGO_ENABLED=0 go build -o /out/hello .");
    expect(run.text).toBe("RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o /out/hello .");
  });

  it("groups instructions into named stages; ARG before FROM belongs to none", () => {
    expect(parsed.stages.map((s) => [s.name, s.from, s.line])).toEqual([
      ["builder", "golang:${GO_VERSION}", 3],
      [null, "scratch", 11],
    ]);
    expect(parsed.instructions[0]).toMatchObject({ keyword: "ARG", stage: -1 });
    expect(parsed.stages[0].instructions[0].flags).toEqual([{ name: "platform", value: "$BUILDPLATFORM" }]);
    expect(finalStage(parsed)?.index).toBe(1);
  });

  it("lists COPY sources in order, shell and JSON form", () => {
    expect(copies(parsed).map((c) => [c.instruction.line, c.sources])).toEqual([
      [5, ["go.mod"]],
      [6, ["*.go"]],
      [12, ["/out/hello"]],
      [13, ["static files/"]],
    ]);
    expect(copies(parsed)[2].instruction.flags).toEqual([{ name: "from", value: "builder" }]);
  });

  it("finds the user of a stage and tells root from the rest", () => {
    expect(stageUser(parsed.stages[1])).toEqual({ user: "65534:65534", line: 14 });
    expect(stageUser(parsed.stages[0])).toBeNull();
    expect(["root", "0", "root:staff", "0:0"].map(isRootUser)).toEqual([true, true, true, true]);
    expect(["node", "1000", "nobody:nogroup"].map(isRootUser)).toEqual([false, false, false]);
  });

  it("reads lower-case keywords and an empty file without throwing", () => {
    expect(parseDockerfile("from busybox\nrun echo hi\n").instructions.map((i) => i.text)).toEqual(["FROM busybox", "RUN echo hi"]);
    expect(parseDockerfile("")).toEqual({ instructions: [], stages: [] });
  });
});
