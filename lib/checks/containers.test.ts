import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "./check-spec";
import { judgeContainer, type ContainerSpec } from "./containers";
import { recorded } from "./fixtures/recorded";

const spec = (fields: Record<string, unknown>) => checkSpecSchema.parse({ id: "c", title: "t", kind: "container", ...fields }) as ContainerSpec;
// web-ok: fixture/web, -p 8080:8080, GREETING=hi; web-noport: fixture/web, nothing published; exited: busybox, exited.
const inspect = recorded("container-inspect");

describe("container checks on a real docker container inspect", () => {
  it("finds the running container that publishes the port", () => {
    expect(judgeContainer(spec({ image: "fixture/web", publishes: 8080, hostPort: 8080 }), { inspect })).toEqual({
      passed: true,
      message: "web-ok is a running container from fixture/web:latest, publishing 8080→8080/tcp.",
    });
  });

  it("explains what the closest container lacks", () => {
    expect(judgeContainer(spec({ image: "fixture/web", publishes: 8080, hostPort: 9090 }), { inspect }).message).toBe(
      "Your container web-ok publishes port 8080 on host port 8080, not 9090.",
    );
    expect(judgeContainer(spec({ name: "web-noport", publishes: 8080 }), { inspect }).message).toBe(
      "Your container web-noport publishes no ports: start it with -p 8080:8080.",
    );
    expect(judgeContainer(spec({ image: "fixture/web", publishes: 8080, env: { GREETING: "^hello$" } }), { inspect }).message).toBe(
      'Your container web-ok has GREETING="hi", which does not match /^hello$/.',
    );
    expect(judgeContainer(spec({ name: "web-noport", env: { GREETING: "." } }), { inspect }).message).toBe(
      "Your container web-noport has no GREETING in its environment (pass it with --env GREETING=…).",
    );
  });

  it("tells a stopped container from a missing one", () => {
    expect(judgeContainer(spec({ image: "busybox" }), { inspect }).message).toBe(
      "There is no running container from busybox:latest. One exists but is not running: `docker container ls -a` and `docker container logs` show why. Containers now: exited (busybox:latest, exited), web-noport (fixture/web:latest, running), web-ok (fixture/web:latest, running).",
    );
    expect(judgeContainer(spec({ image: "busybox", state: "any" }), { inspect }).passed).toBe(true);
    expect(judgeContainer(spec({ image: "fixture/web" }), { inspect: recorded("container-inspect-none") }).message).toBe("There is no running container from fixture/web:latest.");
  });

  it("counts a container started by image id", () => {
    const id = JSON.parse(inspect.stdout).find((c: { Name: string }) => c.Name === "/web-ok").Image as string;
    expect(judgeContainer(spec({ image: "example/renamed", publishes: 8080 }), { inspect, imageId: id }).passed).toBe(true);
  });
});
