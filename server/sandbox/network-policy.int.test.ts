import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHostCommand, runHostCommandOk } from "./host-command";
import { canConnect, cleanUpInOrder, createTestDriver, requireSandboxImage, sandboxIp, testLimits } from "./int-test-kit";
import { applyNetworkPolicy, keepNetworkPolicy, removeNetworkPolicy, type NetworkPolicyOptions } from "./network-policy";

/**
 * Egress per LAYERLAB_EGRESS, shown against a "mirror" of our own: a network namespace on this
 * machine with two addresses and listeners on ports 80 and 8081. Nothing leaves the machine.
 * Runs on a network and nft table of its own, so a running lab's sandboxes and policy are untouched.
 */
const tag = randomBytes(2).toString("hex");
const network = `lltest-egress-${tag}`;
const table = `lltest_${tag}`;
const netns = `lltest-mirror-${tag}`;
const hostVeth = `lltm${tag}`;
const nsVeth = `llmn${tag}`;
const SUBNET = "10.231.251";
const MIRROR = "10.231.252.2";
const NOT_MIRROR = "10.231.252.3";

const { driver, cleanup } = createTestDriver("egress", network);
let sandbox = "";
let mirror: ChildProcess | undefined;

const policy = (over: Partial<NetworkPolicyOptions>): NetworkPolicyOptions => ({
  network,
  registry: `${SUBNET}.254:5000`,
  egress: "none",
  table,
  resolveHost: async () => [MIRROR],
  ...over,
});

async function sh(command: string): Promise<void> {
  await runHostCommandOk("bash", ["-ec", command]);
}

async function mirrorCanReachSandbox(port: number): Promise<boolean> {
  const ip = await sandboxIp(driver, sandbox);
  const r = await runHostCommand("ip", ["netns", "exec", netns, "timeout", "3", "bash", "-c", `echo > /dev/tcp/${ip}/${port}`]);
  return r.exitCode === 0;
}

/**
 * Whether the network's resolver (aardvark-dns on the gateway) answers a query for the sandbox's own
 * name. Sent by hand over UDP: getent would answer from /etc/hosts, and the image has no dig.
 */
async function dnsAnswers(): Promise<boolean> {
  const labels = sandbox.split(".").map((l) => String.fromCharCode(l.length) + l).join("");
  const query = Buffer.from(`\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00${labels}\x00\x00\x01\x00\x01`, "latin1");
  const escaped = [...query].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("");
  const r = await driver.exec(sandbox, ["bash", "-c", `exec 3<>/dev/udp/${SUBNET}.1/53 && printf '${escaped}' >&3 && timeout 2 head -c 2 <&3 | wc -c`]);
  return r.stdout.trim() === "2";
}

beforeAll(async () => {
  await requireSandboxImage();
  await runHostCommandOk("podman", ["network", "create", "--subnet", `${SUBNET}.0/24`, "--gateway", `${SUBNET}.1`, network]);
  await sh(`
    ip netns add ${netns}
    ip link add ${hostVeth} type veth peer name ${nsVeth} netns ${netns}
    ip addr add 10.231.252.1/24 dev ${hostVeth}
    ip link set ${hostVeth} up
    ip -n ${netns} link set lo up
    ip -n ${netns} addr add ${MIRROR}/24 dev ${nsVeth}
    ip -n ${netns} addr add ${NOT_MIRROR}/24 dev ${nsVeth}
    ip -n ${netns} link set ${nsVeth} up
    ip -n ${netns} route add ${SUBNET}.0/24 via 10.231.252.1
  `);
  const script = `const net=require("net");let n=0;for(const p of [80,8081])net.createServer(s=>{s.on("error",()=>{});s.end("HTTP/1.0 200 OK\\r\\ncontent-length: 7\\r\\n\\r\\nmirror\\n")}).listen(p,"0.0.0.0",()=>{if(++n===2)console.log("listening")});`;
  mirror = spawn("ip", ["netns", "exec", netns, process.execPath, "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    mirror!.stdout!.once("data", () => resolve());
    mirror!.once("exit", (code) => reject(new Error(`mirror listener exited ${code}`)));
  });
  sandbox = (await driver.create({ labels: {}, limits: testLimits })).id;
  await driver.exec(sandbox, ["bash", "-c", "(setsid nc -lk -p 8080 >/dev/null 2>&1 &); sleep 0.3"]);
});

afterAll(() =>
  // The network goes only once its sandbox is gone.
  cleanUpInOrder(
    () => mirror?.kill(),
    cleanup,
    () => removeNetworkPolicy(table),
    () => runHostCommand("podman", ["network", "rm", "--force", network]),
    () => runHostCommand("ip", ["netns", "del", netns]),
    () => runHostCommand("ip", ["link", "del", hostVeth]),
  ),
);

describe("network policy: egress", () => {
  it("without a policy everything is reachable (so the refusals below are the policy's doing)", async () => {
    expect(await canConnect(driver, sandbox, MIRROR, 8081)).toBe(true);
    expect(await mirrorCanReachSandbox(8080)).toBe(true);
  });

  it("none: nothing leaves the sandbox, not even DNS", async () => {
    await applyNetworkPolicy(policy({ egress: "none" }));
    expect(await canConnect(driver, sandbox, MIRROR, 80)).toBe(false);
    expect(await dnsAnswers()).toBe(false);
  });

  it("mirrors: only the web ports of the mirrors' addresses, and DNS", async () => {
    await applyNetworkPolicy(policy({ egress: "mirrors" }));
    expect(await canConnect(driver, sandbox, MIRROR, 80)).toBe(true);
    const body = await driver.exec(sandbox, ["curl", "-sS", "-m", "3", `http://${MIRROR}:80/`]);
    expect(body.stdout).toBe("mirror\n");
    expect(await canConnect(driver, sandbox, MIRROR, 8081)).toBe(false);
    expect(await canConnect(driver, sandbox, NOT_MIRROR, 80)).toBe(false);
    expect(await dnsAnswers()).toBe(true);
  });

  it("applying again is idempotent and picks up new mirror addresses", async () => {
    await applyNetworkPolicy(policy({ egress: "mirrors", resolveHost: async () => [NOT_MIRROR] }));
    await applyNetworkPolicy(policy({ egress: "mirrors", resolveHost: async () => [NOT_MIRROR] }));
    const tables = (await runHostCommandOk("nft", ["list", "tables"])).stdout.toString();
    expect(tables.split("\n").filter((l) => l === `table inet ${table}`)).toHaveLength(1);
    expect(await canConnect(driver, sandbox, NOT_MIRROR, 80)).toBe(true);
    expect(await canConnect(driver, sandbox, MIRROR, 80)).toBe(false);
  });

  it("keeping the policy refreshed remembers mirror addresses seen lately (CDNs rotate their answers)", async () => {
    let answer = [MIRROR];
    const keeper = await keepNetworkPolicy(policy({ egress: "mirrors", resolveHost: async () => answer }), { refreshMs: 200 });
    try {
      answer = [NOT_MIRROR];
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(await canConnect(driver, sandbox, NOT_MIRROR, 80)).toBe(true);
      expect(await canConnect(driver, sandbox, MIRROR, 80)).toBe(true);
    } finally {
      keeper.stop();
    }
  });

  it("open: the internet only, never a private address such as the lab's LAN", async () => {
    await applyNetworkPolicy(policy({ egress: "open" }));
    expect(await canConnect(driver, sandbox, MIRROR, 80)).toBe(false);
    expect(await dnsAnswers()).toBe(true);
  });

  it("in every mode nothing outside opens a connection into a sandbox", async () => {
    for (const egress of ["none", "mirrors", "open"] as const) {
      await applyNetworkPolicy(policy({ egress }));
      expect(await mirrorCanReachSandbox(8080), egress).toBe(false);
    }
  });
});
