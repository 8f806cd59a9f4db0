import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as dnsPacket from "dns-packet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressesOf, RCODE, rcodeOf, startDnsStub, type DnsStub } from "./dns-stub.test-support";
import { runHostCommand, runHostCommandOk } from "./host-command";
import { asLearner, canConnect, cleanUpInOrder, createTestDriver, requireSandboxImage, sandboxIp, testLimits, type TestDriver } from "./int-test-kit.test-support";
import { REGISTRY_NAME, type QueryEvent } from "./lab-resolver";
import { applyNetworkPolicy, keepSandboxNetwork, NetworkPolicyConflictError, policyTable, removeNetworkPolicy, renderNetworkPolicy, type SandboxNetworkOptions } from "./network-policy";

/**
 * Egress and DNS per LAYERLAB_EGRESS, shown against a "mirror" of our own: a network namespace on
 * this machine with two addresses and listeners on ports 80 and 8081, and an upstream DNS server of
 * our own on loopback that knows the mirror's name. Nothing leaves the machine: with a policy in
 * place every DNS query of a sandbox goes to the lab resolver, which forwards only to that stub.
 * Two lab instances (A and B) on networks of their own, so a running lab's sandboxes and policy are
 * untouched.
 */
const tag = randomBytes(2).toString("hex");
const netA = `lltest-egress-a-${tag}`;
const netB = `lltest-egress-b-${tag}`;
const netns = `lltest-mirror-${tag}`;
const hostVeth = `lltm${tag}`;
const nsVeth = `llmn${tag}`;
const SUBNET_A = "10.231.251";
const SUBNET_B = "10.231.253";
const MIRROR = "10.231.252.2";
const NOT_MIRROR = "10.231.252.3";
const MIRROR_NAME = "mirror.lltest.internal";
const OTHER_NAME = "elsewhere.lltest.internal";

const A: TestDriver = createTestDriver("egress-a", netA);
const B: TestDriver = createTestDriver("egress-b", netB);
let sandboxA = "";
let neighbourA = "";
let sandboxB = "";
let mirror: ChildProcess | undefined;
let upstream: DnsStub;
const events: Record<string, QueryEvent[]> = {};
const running = new Map<string, { stop(): Promise<void> }>();

function options(lab: TestDriver, network: string, subnet: string, over: Partial<SandboxNetworkOptions>): SandboxNetworkOptions {
  events[lab.instance] = [];
  return {
    instance: lab.instance,
    network,
    registry: `${subnet}.254:5000`,
    egress: "none",
    mirrorHosts: [MIRROR_NAME],
    resolveHost: async () => [MIRROR],
    upstreams: [{ host: "127.0.0.1", port: upstream.port }],
    onQuery: (e) => events[lab.instance].push(e),
    refreshMs: 3_600_000,
    ...over,
  };
}

/** Starts (or restarts) a lab instance's resolver and policy, as the server does at start. */
async function startNetwork(lab: TestDriver, network: string, subnet: string, over: Partial<SandboxNetworkOptions>): Promise<void> {
  await running.get(lab.instance)?.stop();
  running.delete(lab.instance);
  running.set(lab.instance, await keepSandboxNetwork(options(lab, network, subnet, over)));
}

async function sh(command: string): Promise<void> {
  await runHostCommandOk("bash", ["-ec", command]);
}

async function mirrorCanReachSandbox(id: string, port: number): Promise<boolean> {
  const ip = await sandboxIp(A.driver, id);
  const r = await runHostCommand("ip", ["netns", "exec", netns, "timeout", "3", "bash", "-c", `echo > /dev/tcp/${ip}/${port}`]);
  return r.exitCode === 0;
}

/** What the sandbox's resolver (per its resolv.conf: glibc, as every program there uses) says a name is: its first IPv4 address, or "" if none. */
async function resolves(driver: TestDriver["driver"], id: string, name: string): Promise<string> {
  const r = await driver.exec(id, ["bash", "-c", `timeout 10 getent ahostsv4 ${name} | awk 'NR==1 {print $1}'`]);
  return r.stdout.trim();
}

/**
 * One A query sent by hand over UDP from inside the sandbox to the network's gateway, where podman's
 * resolver (aardvark-dns) listens: the decoded reply, or null if none came. (getent would also try the
 * host's resolvers after the first; this asks the gateway only, so nothing can leave the machine.)
 */
async function askGateway(driver: TestDriver["driver"], id: string, gateway: string, name: string): Promise<dnsPacket.DecodedPacket | null> {
  const query = dnsPacket.encode({ type: "query", id: 0x1234, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name }] });
  const escaped = [...query].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("");
  const r = await driver.exec(id, ["bash", "-c", `exec 3<>/dev/udp/${gateway}/53 && printf '${escaped}' >&3 && timeout 3 dd bs=4096 count=1 <&3 2>/dev/null | od -An -v -tx1`]);
  const hex = r.stdout.replace(/\s+/g, "");
  return hex ? dnsPacket.decode(Buffer.from(hex, "hex")) : null;
}


beforeAll(async () => {
  await requireSandboxImage();
  upstream = await startDnsStub({ [MIRROR_NAME]: MIRROR, [OTHER_NAME]: NOT_MIRROR });
  await runHostCommandOk("podman", ["network", "create", "--subnet", `${SUBNET_A}.0/24`, "--gateway", `${SUBNET_A}.1`, netA]);
  await runHostCommandOk("podman", ["network", "create", "--subnet", `${SUBNET_B}.0/24`, "--gateway", `${SUBNET_B}.1`, netB]);
  await sh(`
    ip netns add ${netns}
    ip link add ${hostVeth} type veth peer name ${nsVeth} netns ${netns}
    ip addr add 10.231.252.1/24 dev ${hostVeth}
    ip link set ${hostVeth} up
    ip -n ${netns} link set lo up
    ip -n ${netns} addr add ${MIRROR}/24 dev ${nsVeth}
    ip -n ${netns} addr add ${NOT_MIRROR}/24 dev ${nsVeth}
    ip -n ${netns} link set ${nsVeth} up
    ip -n ${netns} route add ${SUBNET_A}.0/24 via 10.231.252.1
    ip -n ${netns} route add ${SUBNET_B}.0/24 via 10.231.252.1
  `);
  const script = `const net=require("net");let n=0;for(const p of [80,8081])net.createServer(s=>{s.on("error",()=>{});s.end("HTTP/1.0 200 OK\\r\\ncontent-length: 7\\r\\n\\r\\nmirror\\n")}).listen(p,"0.0.0.0",()=>{if(++n===2)console.log("listening")});`;
  mirror = spawn("ip", ["netns", "exec", netns, process.execPath, "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    mirror!.stdout!.once("data", () => resolve());
    mirror!.once("exit", (code) => reject(new Error(`mirror listener exited ${code}`)));
  });
  [sandboxA, neighbourA, sandboxB] = await Promise.all([
    A.driver.create({ labels: {}, limits: testLimits }),
    A.driver.create({ labels: {}, limits: testLimits }),
    B.driver.create({ labels: {}, limits: testLimits }),
  ]).then((all) => all.map((s) => s.id));
  await A.driver.exec(sandboxA, ["bash", "-c", "(setsid nc -lk -p 8080 >/dev/null 2>&1 &); sleep 0.3"]);
});

afterAll(() =>
  // The networks go only once their sandboxes are gone.
  cleanUpInOrder(
    () => mirror?.kill(),
    ...[...running.values()].map((r) => () => r.stop()),
    A.cleanup,
    B.cleanup,
    () => removeNetworkPolicy(A.instance),
    () => removeNetworkPolicy(B.instance),
    () => removeNetworkPolicy("lltest-shared"),
    () => upstream?.close(),
    () => runHostCommand("podman", ["network", "rm", "--force", netA]),
    () => runHostCommand("podman", ["network", "rm", "--force", netB]),
    () => runHostCommand("ip", ["netns", "del", netns]),
    () => runHostCommand("ip", ["link", "del", hostVeth]),
  ),
);

describe("network policy: egress and DNS", () => {
  it("without a policy everything is reachable, and podman's resolver answers another sandbox's name (so the refusals below are the policy's doing)", async () => {
    expect(await canConnect(A.driver, sandboxA, MIRROR, 8081)).toBe(true);
    expect(await mirrorCanReachSandbox(sandboxA, 8080)).toBe(true);
    expect(addressesOf(await askGateway(A.driver, sandboxA, `${SUBNET_A}.1`, neighbourA))).toEqual([await sandboxIp(A.driver, neighbourA)]);
  });

  it("none: nothing leaves the sandbox; DNS answers the registry's name and refuses the rest without asking upstream", async () => {
    await startNetwork(A, netA, SUBNET_A, { egress: "none" });
    expect(await canConnect(A.driver, sandboxA, MIRROR, 80)).toBe(false);
    expect(await resolves(A.driver, sandboxA, REGISTRY_NAME)).toBe(`${SUBNET_A}.254`);
    expect(await resolves(A.driver, sandboxA, MIRROR_NAME)).toBe("");
    expect(events[A.instance].filter((e) => e.outcome === "refuse").map((e) => e.name)).toContain(MIRROR_NAME);
    expect(upstream.received).toEqual([]);
  });

  it("mirrors: only the web ports of the mirrors' addresses, and only the mirrors' names resolve", async () => {
    await startNetwork(A, netA, SUBNET_A, { egress: "mirrors" });
    expect(await canConnect(A.driver, sandboxA, MIRROR, 80)).toBe(true);
    const body = await A.driver.exec(sandboxA, ["curl", "-sS", "-m", "3", `http://${MIRROR_NAME}:80/`]);
    expect(body.stdout).toBe("mirror\n");
    expect(await canConnect(A.driver, sandboxA, MIRROR, 8081)).toBe(false);
    expect(await canConnect(A.driver, sandboxA, NOT_MIRROR, 80)).toBe(false);

    expect(await resolves(A.driver, sandboxA, MIRROR_NAME)).toBe(MIRROR);
    const received = upstream.received.length;
    expect(await resolves(A.driver, sandboxA, OTHER_NAME)).toBe("");
    expect(events[A.instance].some((e) => e.name === OTHER_NAME && e.outcome === "refuse")).toBe(true);
    expect(upstream.received.slice(received).filter((q) => q.includes(OTHER_NAME))).toEqual([]);
  });

  it("mirrors: another sandbox's name does not resolve, even asked of podman's resolver by hand", async () => {
    await startNetwork(A, netA, SUBNET_A, { egress: "mirrors" });
    const reply = await askGateway(A.driver, sandboxA, `${SUBNET_A}.1`, neighbourA);
    expect(rcodeOf(reply)).toBe(RCODE.REFUSED);
    expect(await resolves(A.driver, sandboxA, neighbourA)).toBe("");
  });

  it("mirrors: containers of the sandbox's own Docker resolve the mirrors too (and nothing else)", async () => {
    await startNetwork(A, netA, SUBNET_A, { egress: "mirrors" });
    // A one-binary image made inside the sandbox (these test networks have no lab registry).
    const image = await asLearner(
      A.driver,
      sandboxA,
      `for i in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
       tar -C / -chf - usr/bin/getent usr/lib/x86_64-linux-gnu/libc.so.6 lib64/ld-linux-x86-64.so.2 etc/nsswitch.conf | docker import - lltest-getent >/dev/null && echo imported`,
    );
    expect(image.stdout.trim(), image.stderr).toBe("imported");
    const nested = await asLearner(A.driver, sandboxA, `docker run --rm lltest-getent /usr/bin/getent ahostsv4 ${MIRROR_NAME}; docker run --rm lltest-getent /usr/bin/getent ahostsv4 ${OTHER_NAME}; echo "exit $?"`);
    expect(nested.stdout, nested.stderr).toMatch(new RegExp(`^${MIRROR.replace(/\./g, "\\.")}\\s`, "m"));
    expect(nested.stdout).toContain("exit 2");
    expect(nested.stdout).not.toContain(NOT_MIRROR);
  });

  it("applying again is idempotent and picks up new mirror addresses", async () => {
    await startNetwork(A, netA, SUBNET_A, { egress: "mirrors" });
    const opts = { ...options(A, netA, SUBNET_A, { egress: "mirrors" }), resolveHost: async () => [NOT_MIRROR], resolverPort: 5353 };
    await applyNetworkPolicy(opts);
    await applyNetworkPolicy(opts);
    const tables = (await runHostCommandOk("nft", ["list", "tables"])).stdout.toString();
    expect(tables.split("\n").filter((l) => l === `table inet ${policyTable(A.instance)}`)).toHaveLength(1);
    expect(await canConnect(A.driver, sandboxA, NOT_MIRROR, 80)).toBe(true);
    expect(await canConnect(A.driver, sandboxA, MIRROR, 80)).toBe(false);
  });

  it("keeping the policy refreshed remembers mirror addresses seen lately (CDNs rotate their answers)", async () => {
    let answer = [MIRROR];
    await startNetwork(A, netA, SUBNET_A, { egress: "mirrors", resolveHost: async () => answer, refreshMs: 200 });
    answer = [NOT_MIRROR];
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await canConnect(A.driver, sandboxA, NOT_MIRROR, 80)).toBe(true);
    expect(await canConnect(A.driver, sandboxA, MIRROR, 80)).toBe(true);
  });

  it("open: the internet only, never a private address such as the lab's LAN; any name goes upstream, no sandbox's name resolves", async () => {
    await startNetwork(A, netA, SUBNET_A, { egress: "open" });
    expect(await canConnect(A.driver, sandboxA, MIRROR, 80)).toBe(false);
    expect(await resolves(A.driver, sandboxA, OTHER_NAME)).toBe(NOT_MIRROR);
    expect(upstream.received).toContain(`${OTHER_NAME} A`);
    expect(addressesOf(await askGateway(A.driver, sandboxA, `${SUBNET_A}.1`, neighbourA))).toEqual([]);
  });

  it("in every mode nothing outside opens a connection into a sandbox", async () => {
    for (const egress of ["none", "mirrors", "open"] as const) {
      await startNetwork(A, netA, SUBNET_A, { egress });
      expect(await mirrorCanReachSandbox(sandboxA, 8080), egress).toBe(false);
    }
  });
});

describe("network policy: two lab instances on one host", () => {
  it("each keeps its own policy: a second lab started with egress open does not open the first's sandboxes", async () => {
    await startNetwork(A, netA, SUBNET_A, { egress: "mirrors" });
    await startNetwork(B, netB, SUBNET_B, { egress: "none" });
    // Each instance's rule does what it should for its own sandboxes.
    expect(await canConnect(A.driver, sandboxA, MIRROR, 80)).toBe(true);
    expect(await canConnect(B.driver, sandboxB, MIRROR, 80)).toBe(false);
    expect(await resolves(A.driver, sandboxA, MIRROR_NAME)).toBe(MIRROR);
    expect(await resolves(B.driver, sandboxB, MIRROR_NAME)).toBe("");

    await startNetwork(B, netB, SUBNET_B, { egress: "open" });
    expect(await resolves(B.driver, sandboxB, OTHER_NAME)).toBe(NOT_MIRROR);
    // A's sandboxes still have A's policy: the mirror, nothing else, and only the mirror's name.
    expect(await canConnect(A.driver, sandboxA, MIRROR, 80)).toBe(true);
    expect(await canConnect(A.driver, sandboxA, MIRROR, 8081)).toBe(false);
    expect(await canConnect(A.driver, sandboxA, NOT_MIRROR, 80)).toBe(false);
    expect(await resolves(A.driver, sandboxA, OTHER_NAME)).toBe("");
    expect(await mirrorCanReachSandbox(sandboxA, 8080)).toBe(false);
  });

  it("a second instance on the same network with another policy is refused, naming the first; the first's policy stands", async () => {
    await startNetwork(A, netA, SUBNET_A, { egress: "mirrors" });
    const shared = { ...A, instance: "lltest-shared" };
    const refused = startNetwork(shared, netA, SUBNET_A, { egress: "open" });
    await expect(refused).rejects.toThrow(NetworkPolicyConflictError);
    await expect(refused).rejects.toThrow(new RegExp(`"${A.instance}".*egress mirrors`));
    expect((await runHostCommand("nft", ["list", "table", "inet", policyTable("lltest-shared")])).exitCode).not.toBe(0);
    expect(await canConnect(A.driver, sandboxA, MIRROR, 8081)).toBe(false);
    expect(await resolves(A.driver, sandboxA, OTHER_NAME)).toBe("");

    // The same policy on the same network is shared: both labs' sandboxes keep the mirror and its name.
    await startNetwork(shared, netA, SUBNET_A, { egress: "mirrors" });
    expect(await canConnect(A.driver, sandboxA, MIRROR, 80)).toBe(true);
    expect(await resolves(A.driver, sandboxA, MIRROR_NAME)).toBe(MIRROR);
    expect(await resolves(A.driver, sandboxA, OTHER_NAME)).toBe("");

    // A stopped lab's redirect (to a resolver that is gone) does not take the live one's DNS.
    await running.get(A.instance)!.stop();
    running.delete(A.instance);
    expect(await resolves(A.driver, sandboxA, MIRROR_NAME)).toBe(MIRROR);
    // With neither running, DNS is refused at the host, never answered by podman's resolver.
    await running.get("lltest-shared")!.stop();
    running.delete("lltest-shared");
    expect(await askGateway(A.driver, sandboxA, `${SUBNET_A}.1`, neighbourA)).toBeNull();
    expect(await canConnect(A.driver, sandboxA, MIRROR, 8081)).toBe(false);
    await removeNetworkPolicy("lltest-shared");
  });

  it("a policy whose lab and sandboxes are gone is replaced, not obeyed, and not a conflict", async () => {
    await startNetwork(A, netA, SUBNET_A, { egress: "mirrors" });
    const bridge = (await runHostCommandOk("podman", ["network", "inspect", netA, "--format", "{{.NetworkInterface}}"])).stdout.toString().trim();
    // A lab that ran with "none" and is gone: no process with its pid, no sandboxes of its instance.
    const dead = spawn("true");
    await new Promise((resolve) => dead.once("exit", resolve));
    const gone = `lltest-gone-${tag}`;
    await runHostCommandOk("nft", ["-f", "-"], {
      stdin: renderNetworkPolicy({ instance: gone, network: netA, bridge, gateway: `${SUBNET_A}.1`, registryIp: `${SUBNET_A}.254`, registryPort: 5000, egress: "none", mirrorAddresses: [], resolverPort: 9, pid: dead.pid! }),
    });
    try {
      expect(await canConnect(A.driver, sandboxA, MIRROR, 80)).toBe(false);
      await startNetwork(A, netA, SUBNET_A, { egress: "mirrors" });
      expect((await runHostCommand("nft", ["list", "table", "inet", policyTable(gone)])).exitCode).not.toBe(0);
      expect(await canConnect(A.driver, sandboxA, MIRROR, 80)).toBe(true);
    } finally {
      await removeNetworkPolicy(gone);
    }
  });
});
