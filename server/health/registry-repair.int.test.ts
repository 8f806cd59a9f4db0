import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { freePort } from "../http/lab-server.test-support";
import { runHostCommand, runHostCommandOk } from "../sandbox/host-command";
import { HealthMonitor, labHealthChecks } from "./lab-health";

/**
 * The lab brings its registry back by itself: a registry container of this test's own (the lab registry's
 * image, on a loopback port, so the lab registry everyone else uses is never touched) is stopped, the
 * health check reports it down and starts it again, and the next check finds it answering.
 */
const IMAGE = "localhost/layerlab/registry:latest";
const container = `layerlab-test-registry-${randomBytes(3).toString("hex")}`;
let port = 0;

async function answers(): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function monitor(): HealthMonitor {
  const config = parseConfig({ LAYERLAB_DATA_DIR: "/var/tmp", LAYERLAB_REGISTRY: `127.0.0.1:${port}`, LAYERLAB_REGISTRY_CONTAINER: container });
  return new HealthMonitor(labHealthChecks(config, { listSandboxes: async () => [], admission: () => ({ places: 1, held: 0, pool: 0, waiting: 0, capacity: null }) }));
}

beforeAll(async () => {
  const exists = await runHostCommand("podman", ["image", "exists", IMAGE]);
  if (exists.exitCode !== 0) throw new Error(`${IMAGE} is missing: run npm run images first`);
  port = await freePort();
  await runHostCommandOk("podman", ["run", "-d", "--name", container, "-p", `127.0.0.1:${port}:5000`, IMAGE, "registry", "serve", "/etc/docker/registry/config.yml"]);
  await until(answers, "the test registry to answer");
});

afterAll(async () => {
  await runHostCommand("podman", ["rm", "-f", "-t", "0", container]);
});

describe("registry repair", () => {
  it("reports a running registry as up and leaves it alone (positive control)", async () => {
    const report = await monitor().report();
    expect(report.parts.registry).toEqual({ status: "ok", message: "answers" });
  });

  it("reports a stopped registry as down (503) and starts it again by itself", async () => {
    await runHostCommandOk("podman", ["stop", "-t", "0", container]);
    expect(await answers()).toBe(false);
    const health = monitor();
    const down = await health.report();
    expect(down.serving).toBe(false);
    expect(down.parts.registry.status).toBe("down");
    expect(down.parts.registry.message).toMatch(/^the lab registry: .*; the lab is restarting it$/);
    await until(answers, "the registry to be started again by the health check");
    // The next report (the repair drops the cached one) says who brought it back.
    await until(async () => (await health.report()).parts.registry.status === "ok", "a report with the registry up");
    expect((await health.report()).parts.registry.message).toMatch(/^answers \(started by the lab at \d\d:\d\d:\d\d UTC\)$/);
  });

  it("restarts a registry that runs but no longer answers (its process stopped)", async () => {
    await until(answers, "the registry up from the test before");
    const pid = Number((await runHostCommandOk("podman", ["inspect", "--format", "{{.State.Pid}}", container])).stdout.toString("utf8").trim());
    expect(pid).toBeGreaterThan(1);
    process.kill(pid, "SIGSTOP");
    // The stop reaches every thread of the process asynchronously: wait until it has.
    await until(async () => !(await answers()), "the stopped registry to stop answering");
    const health = monitor();
    expect((await health.report()).parts.registry.message).toMatch(/; the lab is restarting it$/);
    await until(answers, "the registry to be restarted by the health check");
    await until(async () => (await health.report()).parts.registry.status === "ok", "a report with the registry up");
    expect((await health.report()).parts.registry.message).toMatch(/^answers \(restarted by the lab at /);
  });
});
