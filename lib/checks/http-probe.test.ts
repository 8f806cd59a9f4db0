import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "./check-spec";
import { recorded } from "./fixtures/recorded";
import { judgeContainerAnswers, judgeHttp, type HttpSpec } from "./http-probe";

type Of<K> = Extract<HttpSpec, { kind: K }>;
const http = (fields: Record<string, unknown>) => checkSpecSchema.parse({ id: "c", title: "t", kind: "http", url: "http://localhost:8080/", ...fields }) as Of<"http">;
const answers = checkSpecSchema.parse({ id: "c", title: "t", kind: "container-answers", image: "fixture/nope", port: 8080, body: "Hello" }) as Of<"container-answers">;

describe("http checks on real curl output", () => {
  it("matches the body", () => {
    expect(judgeHttp(http({ body: "Hello World" }), recorded("curl-ok"))).toEqual({
      passed: true,
      message: "http://localhost:8080/ answered `<h1>Hello World. Wish you were here.</h1>`.",
    });
    expect(judgeHttp(http({ body: "Hello Anna" }), recorded("curl-ok")).message).toBe(
      "http://localhost:8080/ answered `<h1>Hello World. Wish you were here.</h1>`, which does not match /Hello Anna/.",
    );
  });

  it("checks the status", () => {
    expect(judgeHttp(http({ body: "." }), recorded("curl-404")).message).toMatch(/^http:\/\/localhost:8080\/ answered with status 404 \(`<HTML><HEAD><TITLE>404 Not Found/);
  });

  it("explains refused and cut connections", () => {
    expect(judgeHttp(http({ body: "." }), recorded("curl-refused")).message).toBe(
      "http://localhost:8080/: nothing listens there (connection refused). Is a container running with the port published (-p)?",
    );
    expect(judgeHttp(http({ body: "." }), recorded("curl-reset")).message).toMatch(/the app inside closed the connection without answering\. Does it listen on 0\.0\.0\.0/);
  });

  it("says the image is missing when the check's own container cannot start", () => {
    expect(judgeContainerAnswers(answers, { run: recorded("container-run-missing-image"), probe: null }).message).toBe(
      "There is no image fixture/nope:latest to start yet. Build it with -t fixture/nope:latest.",
    );
  });

  // What a Go binary built without CGO_ENABLED=0 does in a FROM scratch image (seen in chapter 3).
  const ran = { stdout: "abc\n", stderr: "", exitCode: 0, timedOut: false };
  const logs = { stdout: "", stderr: "exec /hello: no such file or directory\n", exitCode: 0, timedOut: false };

  it("says the container stopped, with its last words, when it exits at once", () => {
    expect(judgeContainerAnswers(answers, { run: ran, probe: null, logs, state: "exited 1\n" })).toEqual({
      passed: false,
      message: "A container from fixture/nope:latest stopped right after it started (exit code 1): exec /hello: no such file or directory.",
      details: "The container's output:\nexec /hello: no such file or directory",
    });
  });

  it("adds the container's output when a running app did not answer", () => {
    const quiet = { ...logs, stderr: "listening on 127.0.0.1:8080\n" };
    expect(judgeContainerAnswers(answers, { run: ran, probe: recorded("curl-reset"), logs: quiet, state: "running 0\n" })).toMatchObject({
      passed: false,
      message: expect.stringMatching(/^A container from fixture\/nope:latest \(port 8080\): the port is published, but the app inside closed the connection/),
      details: "The container's output:\nlistening on 127.0.0.1:8080",
    });
  });
});
