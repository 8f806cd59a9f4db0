import { describe, expect, it } from "vitest";
import type { EngineAnswer } from "../sandbox/engine-socket";
import { engineQuery } from "./engine-queries";

/** The translation from docker commands to the engine's API, against a recorded engine (pure logic; the real engine is in check-channel.int.test.ts and the chapter tests). */
function engine(routes: Record<string, [number, unknown]>) {
  const asked: string[] = [];
  const ask = async (apiPath: string): Promise<EngineAnswer> => {
    asked.push(apiPath);
    const [status, body] = routes[apiPath] ?? [404, { message: `page not found` }];
    return { status, body: Buffer.from(JSON.stringify(body)) };
  };
  return { ask, asked };
}

describe("engineQuery", () => {
  it("leaves every command that is not a known read to the CLI", () => {
    for (const args of [["build", "-t", "x", "."], ["image", "inspect", "--format", "{{.Size}}", "x"], ["container", "run", "x"], ["image", "rm", "x"], ["container", "logs", "x"]]) {
      expect(engineQuery(args)).toBeNull();
    }
  });

  it("prints an image's inspect as the CLI does, and a missing image the way the judges recognise", async () => {
    const e = engine({ "/images/example/app:1/json": [200, { Id: "sha256:abc", Config: { Labels: { a: "b" } } }] });
    const found = await engineQuery(["image", "inspect", "example/app:1"])!(e.ask);
    expect(found.exitCode).toBe(0);
    expect(JSON.parse(found.stdout)).toEqual([{ Id: "sha256:abc", Config: { Labels: { a: "b" } } }]);
    expect((await engineQuery(["image", "inspect", "--format", "{{.Id}}", "example/app:1"])!(e.ask)).stdout).toBe("sha256:abc\n");
    const missing = engine({ "/images/nope/json": [404, { message: "No such image: nope:latest" }] });
    const answer = await engineQuery(["image", "inspect", "nope"])!(missing.ask);
    expect(answer).toMatchObject({ exitCode: 1, stdout: "" });
    expect(answer.stderr).toMatch(/No such image: nope:latest/);
  });

  it("lists containers by short id and inspects each, keeping the ones still there when one is gone", async () => {
    const e = engine({
      "/containers/json?all=1": [200, [{ Id: "0123456789abcdef" }, { Id: "fedcba9876543210" }]],
      "/containers/0123456789ab/json": [200, { Id: "0123456789abcdef", Name: "/web" }],
      "/containers/fedcba987654/json": [404, { message: "No such container: fedcba987654" }],
    });
    expect((await engineQuery(["container", "ls", "-aq"])!(e.ask)).stdout).toBe("0123456789ab\nfedcba987654\n");
    const inspect = await engineQuery(["container", "inspect", "0123456789ab", "fedcba987654"])!(e.ask);
    expect(JSON.parse(inspect.stdout)).toEqual([{ Id: "0123456789abcdef", Name: "/web" }]);
    expect(inspect.exitCode).toBe(1);
    expect(inspect.stderr).toMatch(/No such container/);
  });

  it("gives history one entry a line, newest first, and tags with <none> for untagged images", async () => {
    const e = engine({
      "/images/app/history": [200, [{ CreatedBy: "RUN b", Size: 2 }, { CreatedBy: "RUN a", Size: 1 }]],
      "/images/json": [200, [{ RepoTags: ["app:1", "app:2"] }, { RepoTags: [] }]],
    });
    expect((await engineQuery(["image", "history", "--no-trunc", "--human=false", "--format", "json", "app"])!(e.ask)).stdout).toBe(
      '{"CreatedBy":"RUN b","Size":2}\n{"CreatedBy":"RUN a","Size":1}\n',
    );
    expect((await engineQuery(["image", "ls", "--format", "{{.Repository}}:{{.Tag}}"])!(e.ask)).stdout).toBe("app:1\napp:2\n<none>:<none>\n");
  });
});
