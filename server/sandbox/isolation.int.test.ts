import { createServer, type Server } from "node:net";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHostCommand } from "./host-command";
import { asLearner, canConnect, cleanUpInOrder, createTestDriver, requireSandboxImage, sandboxIp, testConfig, testLimits } from "./int-test-kit.test-support";
import { keepSandboxNetwork, removeNetworkPolicy } from "./network-policy";

/**
 * Two real sandboxes on the lab's network with the lab's network policy: what one learner can do
 * must never reach another learner or the host. (Egress per LAYERLAB_EGRESS: network-policy.int.test.ts.)
 */
const { driver, instance, cleanup } = createTestDriver("isolation");
let a = "";
let b = "";
let gateway = "";
let hostListener: Server;
let hostPort = 0;
let sandboxNetwork: { stop(): Promise<void> } | undefined;

beforeAll(async () => {
  await requireSandboxImage();
  // The lab's policy (this test instance's own, beside any running lab's on the same network), as the server applies it at start.
  // Applied before the sandboxes start, so these tests also show that netavark setting up their
  // networking does not undo it. Mirrors are not looked up: these tests send nothing off the machine.
  const network = JSON.parse((await runHostCommand("podman", ["network", "inspect", testConfig.LAYERLAB_NETWORK])).stdout.toString())[0];
  gateway = network.subnets[0].gateway;
  sandboxNetwork = await keepSandboxNetwork({ instance, network: testConfig.LAYERLAB_NETWORK, registry: testConfig.LAYERLAB_REGISTRY, egress: testConfig.LAYERLAB_EGRESS, resolveHost: async () => [] });
  [a, b] = await Promise.all([driver.create({ labels: {}, limits: testLimits }), driver.create({ labels: {}, limits: testLimits })]).then((s) => s.map((x) => x.id));
  hostListener = createServer((socket) => socket.end("host secret\n"));
  await new Promise<void>((resolve) => hostListener.listen(0, "0.0.0.0", resolve));
  hostPort = (hostListener.address() as { port: number }).port;
});

afterAll(() =>
  cleanUpInOrder(
    () => hostListener?.close(),
    cleanup,
    () => sandboxNetwork?.stop(),
    () => removeNetworkPolicy(instance),
  ),
);

describe("sandbox isolation", () => {
  it("runs sandbox root as an unprivileged host uid in its own user namespace", async () => {
    for (const id of [a, b]) {
      const pid = (await runHostCommand("podman", ["inspect", "--format", "{{.State.Pid}}", id])).stdout.toString().trim();
      const [inside, host, count] = (await readFile(`/proc/${pid}/uid_map`, "utf8")).trim().split(/\s+/).map(Number);
      expect(inside).toBe(0);
      expect(host).toBeGreaterThanOrEqual(100_000);
      expect(count).toBe(200_000);
      const status = await readFile(`/proc/${pid}/status`, "utf8");
      expect(status).toMatch(new RegExp(`^Uid:\\s+${host}\\s`, "m"));
    }
    const maps = await Promise.all([a, b].map(async (id) => (await driver.exec(id, ["cat", "/proc/self/uid_map"])).stdout.trim()));
    expect(maps[0]).not.toBe(maps[1]);
  });

  it("keeps the learner unprivileged inside: no root, no sudo", async () => {
    const r = await asLearner(driver, a, "id -u; command -v sudo || echo no-sudo");
    expect(r.stdout.trim().split("\n")).toEqual(["1000", "no-sudo"]);
  });

  it("does not let A see B's processes or files", async () => {
    await asLearner(driver, b, "echo b-private > ~/secret-b.txt; (setsid sleep 31337 >/dev/null 2>&1 &)");
    expect((await asLearner(driver, b, "pgrep -f 'sleep 31337' >/dev/null && echo seen")).stdout.trim()).toBe("seen");
    const ps = await driver.exec(a, ["ps", "-eo", "args"], { user: "root" });
    expect(ps.stdout).not.toContain("sleep 31337");
    const files = await driver.exec(a, ["sh", "-c", "ls -a /home/learner; grep -rl b-private /home /tmp /var/tmp /run 2>/dev/null; true"], { user: "root" });
    expect(files.stdout).not.toContain("secret-b");
    const mounts = await driver.exec(a, ["cat", "/proc/self/mountinfo"]);
    expect(mounts.stdout).not.toContain(b);
  });

  it("does not let A connect to a port B listens on (IPv4 or IPv6 link-local), while B reaches itself", async () => {
    await asLearner(driver, b, "(setsid nc -lk -p 8080 >/dev/null 2>&1 &); (setsid nc -6 -lk -p 8081 >/dev/null 2>&1 &); sleep 0.3");
    const ipB = await sandboxIp(driver, b);
    const ll = (await driver.exec(b, ["sh", "-c", "ip -6 -o addr show eth0 scope link | awk '{print $4}' | cut -d/ -f1"])).stdout.trim();
    expect(await canConnect(driver, b, ipB, 8080)).toBe(true);
    expect(await canConnect(driver, b, `${ll}%eth0`, 8081)).toBe(true);
    expect(await canConnect(driver, a, ipB, 8080)).toBe(false);
    expect(await canConnect(driver, a, `${ll}%eth0`, 8081)).toBe(false);
  });

  it("does not let a sandbox reach a listener on the host, not even through the bridge's gateway", async () => {
    // The host side works (the listener is real) ...
    const local = await runHostCommand("bash", ["-c", `exec 3<>/dev/tcp/127.0.0.1/${hostPort}; cat <&3`]);
    expect(local.stdout.toString()).toBe("host secret\n");
    // ... and from the sandbox the bridge's gateway address is the host: refused.
    expect(await canConnect(driver, a, gateway, hostPort)).toBe(false);
    const curl = await asLearner(driver, a, `curl -sS -m 3 http://${gateway}:${hostPort}/ 2>&1; true`);
    expect(curl.stdout).not.toContain("host secret");
  });

  it("lets a sandbox reach the lab registry", async () => {
    const running = await runHostCommand("podman", ["container", "inspect", "--format", "{{.State.Running}}", "layerlab-registry"]);
    expect(running.stdout.toString().trim(), "the lab registry container (layerlab-registry) is not running: run npm run images").toBe("true");
    const r = await asLearner(driver, a, `curl -fsS -m 5 -o /dev/null -w '%{http_code}' http://${testConfig.LAYERLAB_REGISTRY}/v2/`);
    expect(r.stdout).toBe("200");
  });
});
