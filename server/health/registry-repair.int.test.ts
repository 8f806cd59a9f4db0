import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { freePort } from "../http/lab-server.test-support";
import { runHostCommand, runHostCommandOk } from "../sandbox/host-command";
import { HealthMonitor, labHealthChecks, REGISTRY_DOWN_MEANS } from "./lab-health";

/**
 * The lab brings its registry back by itself: a registry container of this test's own (the lab registry's
 * image and restart policy, on a loopback port, so the lab registry everyone else uses is never touched) is
 * stopped, hung, or has its processes killed behind podman's back; the health check reports it down and
 * brings it back in one repair, and the next check finds it answering.
 */
const IMAGE = "localhost/layerlab/registry:latest";
const container = `layerlab-test-registry-${randomBytes(3).toString("hex")}`;
let port = 0;

async function answers(): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/v2/`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
}

/**
 * Bounded by time, not by tries: a try can take seconds (a fetch to a port whose forward is gone waits its whole
 * 2 s; podman is slow on a loaded machine), and the wait must end, saying what it waited for, well inside the test's
 * own timeout.
 */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The test's own podman calls are bounded too, as the repair's are: a hung podman fails the test with its command. */
const PODMAN_LIMIT = { killAfterMs: 30_000 };

async function podmanState(): Promise<{ status: string; pid: number; conmonPid: number }> {
  const out = (await runHostCommandOk("podman", ["inspect", "--format", "{{.State.Status}} {{.State.Pid}} {{.State.ConmonPid}}", container], PODMAN_LIMIT)).stdout.toString("utf8");
  const [status = "", pid, conmonPid] = out.trim().split(" ");
  return { status, pid: Number(pid), conmonPid: Number(conmonPid) };
}

/** What a harness that kills every process it started does to a container it created: conmon and the registry die. */
async function killConmonAndRegistry(): Promise<void> {
  await until(answers, "the registry up from the test before");
  const { status, pid, conmonPid } = await podmanState();
  expect(status).toBe("running");
  expect(pid).toBeGreaterThan(1);
  expect(conmonPid).toBeGreaterThan(1);
  process.kill(conmonPid, "SIGKILL");
  process.kill(pid, "SIGKILL");
  await until(async () => !(await answers()), "the killed registry to stop answering");
  // The fault: nothing left to tell podman the container ended.
  expect((await podmanState()).status).toBe("running");
}

function monitor(): HealthMonitor {
  const config = parseConfig({ LAYERLAB_DATA_DIR: "/var/tmp", LAYERLAB_REGISTRY: `127.0.0.1:${port}`, LAYERLAB_REGISTRY_CONTAINER: container });
  return new HealthMonitor(labHealthChecks(config, { listSandboxes: async () => [], admission: () => ({ places: 1, held: 0, pool: 0, waiting: 0, capacity: null }) }));
}

beforeAll(async () => {
  const exists = await runHostCommand("podman", ["image", "exists", IMAGE]);
  if (exists.exitCode !== 0) throw new Error(`${IMAGE} is missing: run npm run images first`);
  port = await freePort();
  await runHostCommandOk("podman", ["run", "-d", "--name", container, "--restart=always", "-p", `127.0.0.1:${port}:5000`, IMAGE, "registry", "serve", "/etc/docker/registry/config.yml"]);
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
    await runHostCommandOk("podman", ["stop", "-t", "0", container], PODMAN_LIMIT);
    expect(await answers()).toBe(false);
    const health = monitor();
    const down = await health.report();
    expect(down.serving).toBe(false);
    expect(down.parts.registry.status).toBe("down");
    expect(down.parts.registry.message).toBe(`the lab registry: no answer from http://127.0.0.1:${port}/v2/ (ECONNREFUSED); ${REGISTRY_DOWN_MEANS}; the lab is restarting it`);
    await until(answers, "the registry to be started again by the health check");
    // The next report (the repair drops the cached one) says who brought it back.
    await until(async () => (await health.report()).parts.registry.status === "ok", "a report with the registry up");
    expect((await health.report()).parts.registry.message).toMatch(/^answers \(started by the lab at \d\d:\d\d:\d\d UTC\)$/);
  });

  it("restarts a registry that runs but no longer answers (its process stopped)", async () => {
    await until(answers, "the registry up from the test before");
    const pid = Number((await runHostCommandOk("podman", ["inspect", "--format", "{{.State.Pid}}", container], PODMAN_LIMIT)).stdout.toString("utf8").trim());
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

  it("brings a stopped registry back by itself while the lab watches, though nobody asks for a report", async () => {
    await until(answers, "the registry up from the test before");
    await runHostCommandOk("podman", ["stop", "-t", "0", container], PODMAN_LIMIT);
    // Control: nothing else brings it back (its restart policy does not apply to a stop).
    await new Promise((r) => setTimeout(r, 1500));
    expect(await answers()).toBe(false);
    const watch = monitor().watch(500);
    try {
      await until(answers, "the registry to be started again by the lab's own watch");
    } finally {
      watch.stop();
    }
  });

  it("brings back a registry whose conmon and process were killed, though podman still says it runs", async () => {
    await killConmonAndRegistry();
    const health = monitor();
    const down = await health.report();
    expect(down.serving).toBe(false);
    expect(down.parts.registry.status).toBe("down");
    // How the connection fails (refused, or timed out) depends on what podman left of the container's network.
    expect(down.parts.registry.message).toMatch(new RegExp(`^the lab registry: no answer from http://127\\.0\\.0\\.1:${port}/v2/ \\([A-Za-z ]+\\); `));
    expect(down.parts.registry.message.endsWith(`; ${REGISTRY_DOWN_MEANS}; the lab is restarting it`)).toBe(true);
    await until(answers, "the registry to be brought back by the health check");
    await until(async () => (await health.report()).parts.registry.status === "ok", "a report with the registry up");
    expect((await health.report()).parts.registry.message).toMatch(
      /^answers \(started by the lab at \d\d:\d\d:\d\d UTC; its processes had been killed without podman noticing\)$/,
    );
  });

  it("brings back a registry left 'stopping' by a stop that was killed while it waited for the dead container", async () => {
    await killConmonAndRegistry();
    // As a podman command killed at its time limit (or by the harness) leaves it: podman itself cannot start it now.
    const stop = spawn("podman", ["stop", "-t", "0", container], { stdio: "ignore" });
    const stopped = new Promise((r) => stop.once("close", r));
    await until(async () => (await podmanState()).status === "stopping", "the stop to begin");
    stop.kill("SIGKILL");
    await stopped;
    expect((await podmanState()).status).toBe("stopping");
    const start = await runHostCommand("podman", ["start", container], PODMAN_LIMIT);
    expect(start.exitCode).not.toBe(0);
    expect(start.stderr).toMatch(/state improper/);
    const health = monitor();
    expect((await health.report()).parts.registry.message).toMatch(/; the lab is restarting it$/);
    await until(answers, "the registry to be brought back by the health check");
    await until(async () => (await health.report()).parts.registry.status === "ok", "a report with the registry up");
    expect((await health.report()).parts.registry.message).toMatch(/^answers \(started by the lab at \d\d:\d\d:\d\d UTC; its processes had been killed/);
  });
});
