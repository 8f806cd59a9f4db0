import { describe, expect, it } from "vitest";
import { buildError, judgeBuildCache, judgeBuildSucceeds, parseRawjsonSteps, tellingLine, type BuildSpec } from "./build";
import { checkSpecSchema } from "./check-spec";
import { recorded } from "./fixtures/recorded";

const spec = (fields: Record<string, unknown>) => checkSpecSchema.parse({ id: "c", title: "t", ...fields }) as BuildSpec;
type Of<K> = Extract<BuildSpec, { kind: K }>;
const ok = { stdout: "", stderr: "#8 DONE 0.1s\n", exitCode: 0, timedOut: false };

describe("build-succeeds", () => {
  it("quotes BuildKit's error line, and keeps the log tail as details", () => {
    const result = judgeBuildSucceeds(spec({ kind: "build-succeeds" }) as Of<"build-succeeds">, recorded("build-failed"));
    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      'Dockerfile does not build: the failed step printed `cat: can\'t open \'/etc/app.conf\': No such file or directory` (failed to solve: process "/bin/sh -c sh /app.sh --selftest" did not complete successfully: exit code: 1)',
    );
    expect(result.details).toContain("cat: can't open '/etc/app.conf': No such file or directory");
  });

  it("says when the engine, not the Dockerfile, failed the build (the unpack race), and what to do", () => {
    const stderr = [
      "#9 exporting to image",
      "#9 naming to docker.io/example/inside:best done",
      '#9 ERROR: failed to prepare extraction snapshot "extract-771744199-MArs sha256:1d41b7b3": parent snapshot sha256:8ea3b23f does not exist: not found',
    ].join("\n");
    const result = judgeBuildSucceeds(spec({ kind: "build-succeeds" }) as Of<"build-succeeds">, { stdout: "", stderr, exitCode: 1, timedOut: false });
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^Dockerfile did not build, and not because of it\. .*known race in Docker's engine.*run the same build again/);
    // Control: a failure of the Dockerfile's own is not blamed on the engine.
    expect(judgeBuildSucceeds(spec({ kind: "build-succeeds" }) as Of<"build-succeeds">, recorded("build-failed")).message).not.toMatch(/engine/);
  });

  it("quotes apt's E: line even when stdout's last line came after it", () => {
    const stderr = [
      "#6 [2/2] RUN apt-get install hello",
      "#6 0.412 Reading package lists...",
      "#6 0.913 Building dependency tree...",
      "#6 0.914 E: Unable to locate package hello",
      "#6 0.915 Reading state information...",
      '#6 ERROR: process "/bin/sh -c apt-get install hello" did not complete successfully: exit code: 100',
      'ERROR: failed to solve: process "/bin/sh -c apt-get install hello" did not complete successfully: exit code: 100',
    ].join("\n");
    const result = judgeBuildSucceeds(spec({ kind: "build-succeeds" }) as Of<"build-succeeds">, { stdout: "", stderr, exitCode: 1, timedOut: false });
    expect(result.message).toMatch(/^Dockerfile does not build: the failed step printed `E: Unable to locate package hello` \(/);
  });

  it("quotes npm's error line, not the usage text npm prints after it (recorded: `npm installer` in a RUN)", () => {
    const build = recorded("build-npm-typo");
    // The step's last line is usage text: what the message used to quote.
    expect(build.stderr).toMatch(/#7 0\.\d+ +npm help\n#7 ERROR/);
    const result = judgeBuildSucceeds(spec({ kind: "build-succeeds" }) as Of<"build-succeeds">, build);
    expect(result.message).toBe(
      'Dockerfile does not build: the failed step printed `Unknown command: "installer"` (failed to solve: process "/bin/sh -c npm installer --omit=dev --no-audit --no-fund" did not complete successfully: exit code: 1)',
    );
  });

  it("names the target", () => {
    expect(judgeBuildSucceeds(spec({ kind: "build-succeeds", target: "deploy" }) as Of<"build-succeeds">, ok)).toEqual({ passed: true, message: "Dockerfile (target deploy) builds." });
  });
});

describe("rawjson progress", () => {
  it("merges the many reports of each step and keeps the Dockerfile steps in order", () => {
    expect(parseRawjsonSteps(recorded("build-rawjson-rebuilt").stderr).map((s) => [s.name, s.cached])).toEqual([
      ["[2/4] WORKDIR /app", true],
      ["[3/4] COPY . .", false],
      ["[4/4] RUN sleep 2 && cat deps.txt > installed.txt", false],
    ]);
    const steps = parseRawjsonSteps(recorded("build-rawjson-cached").stderr);
    expect(steps.map((s) => [s.name, s.cached])).toEqual([
      ["[2/5] WORKDIR /app", true],
      ["[3/5] COPY deps.txt ./", true],
      ["[4/5] RUN sleep 2 && cat deps.txt > installed.txt", true],
      ["[5/5] COPY . .", false],
    ]);
  });
});

describe("build-cache", () => {
  const cacheSpec = spec({
    kind: "build-cache",
    change: { file: "index.html", append: "<!-- {nonce} -->" },
    cached: "^RUN sleep 2",
    rebuilt: "^COPY \\. \\.",
  }) as Of<"build-cache">;

  it("passes when the slow step came from the cache after the change", () => {
    const result = judgeBuildCache(cacheSpec, { before: ok, after: recorded("build-rawjson-cached") });
    expect(result).toMatchObject({ passed: true, message: "After a change to index.html, `RUN sleep 2 && cat deps.txt > installed.txt` came from the cache, and `COPY . .` ran again." });
    expect(result.details).toContain("CACHED   [4/5] RUN sleep 2");
  });

  it("says which step ran again, for how long, and the first step that missed the cache", () => {
    const result = judgeBuildCache(cacheSpec, { before: ok, after: recorded("build-rawjson-rebuilt") });
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(
      /^After a change to index\.html, `RUN sleep 2 && cat deps\.txt > installed\.txt` ran again \(it took 2\.\d s\) instead of coming from the cache\. The first step that missed the cache is `COPY \. \.`: every step after a changed layer runs again\.$/,
    );
  });

  it("catches a change that never reached the build", () => {
    const result = judgeBuildCache({ ...cacheSpec, rebuilt: "^WORKDIR" }, { before: ok, after: recorded("build-rawjson-cached") });
    expect(result.message).toBe("After a change to index.html, `WORKDIR /app` still came from the cache: does the image get the changed file at all?");
  });

  it("reports a Dockerfile that does not build at all", () => {
    expect(judgeBuildCache(cacheSpec, { before: recorded("build-failed"), after: null }).message).toMatch(/^Dockerfile does not build yet: failed to solve/);
  });

  it("reads what a rebuilt step printed: Go's build cache kept, or not", () => {
    const goSpec = spec({
      kind: "build-cache",
      change: { file: "main.go", append: "// {nonce}" },
      rebuilt: "go build",
      rebuiltOutputLacks: "^net/http$",
    }) as Of<"build-cache">;
    const kept = judgeBuildCache(goSpec, { before: ok, after: recorded("build-rawjson-go-cache-mount") });
    expect(kept).toMatchObject({
      passed: true,
      message: "After a change to main.go, `RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -v -o /f .` ran again and redid only what changed.",
    });
    expect(kept.details).toMatch(/What the rebuilt steps printed:\nexample\.com\/f$/);
    const redone = judgeBuildCache(goSpec, { before: ok, after: recorded("build-rawjson-go-no-mount") });
    expect(redone.passed).toBe(false);
    expect(redone.message).toBe(
      "After a change to main.go, `RUN CGO_ENABLED=0 go build -v -o /f .` ran again and printed `net/http`: it redid work that a cache should have kept.",
    );
    expect(redone.details).toContain("vendor/golang.org/x/net/http/httpguts");
  });
});

describe("the telling line of a failed command", () => {
  it("takes a container's own error over npm's usage text and Docker's pull chatter (recorded: `npm instaer` in a container)", () => {
    const run = recorded("container-run-npm-typo");
    // Both decoys are there: the pull's "Unable to find image … locally" and the usage text's last line.
    expect(run.stderr).toContain("Unable to find image 'node:18-slim' locally");
    expect(run.stdout.trim().split("\n").at(-1)?.trim()).toBe("npm help");
    expect(buildError(run)).toBe('Unknown command: "instaer"');
  });

  it("prefers an error line to other words of failure, and those to plain output", () => {
    expect(tellingLine(["Reading package lists...", "E: Unable to locate package hello", "Reading state information..."])).toBe("E: Unable to locate package hello");
    expect(tellingLine(["npm ERR! code E404", "npm ERR! 404 Not Found - GET http://10.231.7.2:4873/expresss", "npm ERR! A complete log of this run can be found in: /root/.npm/_logs/x.log"])).toBe(
      "npm ERR! 404 Not Found - GET http://10.231.7.2:4873/expresss",
    );
    expect(tellingLine(["checking config", "the build failed", "done"])).toBe("the build failed");
    expect(tellingLine(["checking config", "all set"])).toBe("all set");
  });

  it("quotes usage text only when there is nothing else", () => {
    expect(tellingLine(["To see a list of supported npm commands, run:", "npm help"])).toBe("npm help");
    expect(tellingLine([])).toBeNull();
  });
});
