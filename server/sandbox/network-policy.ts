import "server-only";
import { lookup } from "node:dns/promises";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import type { Config } from "@/lib/config";
import { runHostCommand, runHostCommandOk } from "./host-command";

/**
 * Who a sandbox may talk to, enforced on the host with nftables.
 *
 * - Sandboxes cannot reach each other, although they share one bridge. Traffic between two ports
 *   of a bridge never reaches the IP layer unless br_netfilter hands bridged IPv4/IPv6 packets to
 *   the inet hooks (net.bridge.bridge-nf-call-iptables/ip6tables = 1), so applying the policy turns
 *   those on (as Docker and Kubernetes hosts do). This kernel has no nft bridge `meta ibrname`, so a
 *   bridge-family table could not tell our bridge's ports from other bridges' ports.
 * - Sandboxes cannot reach the host: anything addressed to the host from the bridge is refused,
 *   except DNS to the bridge's own resolver (aardvark-dns) when some egress is allowed.
 * - The lab registry (host:port of LAYERLAB_REGISTRY) is reachable on its port, nothing else of it.
 * - Egress: `none` nothing; `mirrors` only TCP 80/443 to the addresses the package mirrors resolve
 *   to when the policy is applied (re-apply periodically: mirrors sit behind CDNs whose addresses
 *   move); `open` anything except private, link-local, loopback and CGNAT ranges, so "open" means the
 *   internet and never the lab's own LAN or a cloud metadata service.
 * - Nothing from outside opens a connection into a sandbox.
 * - The lab registry, on the same bridge, gets the sandboxes' egress (as a pull-through cache it
 *   reaches its upstream only with egress open). Its address is trusted, so the podman driver
 *   refuses a sandbox that IPAM gave that address while the registry was down.
 *
 * The rules live in their own tables, hooked at a priority before the standard filter chains.
 * netavark writes its rules to the `ip filter`/`ip nat` tables and re-adds them whenever a network
 * comes up; it never touches these tables, and a drop here is final whatever it accepts later, so
 * nothing needs re-applying after a container starts. Applying is one atomic `nft -f` transaction
 * (delete + recreate), so it is idempotent and there is never a moment without rules.
 */
export type Egress = Config["LAYERLAB_EGRESS"];

/** What the book's exercises fetch: Debian packages (apt in Dockerfiles) and npm packages. */
export const DEFAULT_MIRROR_HOSTS = ["deb.debian.org", "security.debian.org", "registry.npmjs.org"];

/** Never "the internet", so blocked even with egress open. */
const NON_PUBLIC_V4 = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3"];
const NON_PUBLIC_V6 = ["::1/128", "fc00::/7", "fe80::/10", "ff00::/8"];

export interface NetworkPolicyRules {
  /** nft table name (family inet). */
  table: string;
  /** The sandbox network's bridge interface (podman names it podman1, podman2, …). */
  bridge: string;
  gateway: string;
  registryIp: string;
  registryPort: number;
  egress: Egress;
  /** IPv4 addresses the mirrors resolved to (used only with egress "mirrors"). */
  mirrorAddresses: string[];
}

/** The nft script for a policy: pure, so its shape is unit-tested without touching the host. */
export function renderNetworkPolicy(p: NetworkPolicyRules): string {
  const br = JSON.stringify(p.bridge);
  const registry = `ip daddr ${p.registryIp} tcp dport ${p.registryPort} accept\n    ip saddr ${p.registryIp} tcp sport ${p.registryPort} accept`;
  const refuse = "reject with icmpx admin-prohibited";
  const dns = p.egress === "none" ? [] : [`ip daddr ${p.gateway} udp dport 53 accept`, `ip daddr ${p.gateway} tcp dport 53 accept`];
  const egress =
    p.egress === "none"
      ? [refuse]
      : p.egress === "mirrors"
        ? [...(p.mirrorAddresses.length ? ["ip daddr @mirrors tcp dport { 80, 443 } accept"] : []), refuse]
        : [`ip daddr { ${NON_PUBLIC_V4.join(", ")} } ${refuse}`, `ip6 daddr { ${NON_PUBLIC_V6.join(", ")} } ${refuse}`, "accept"];
  const mirrorSet =
    p.egress === "mirrors" && p.mirrorAddresses.length
      ? [`  set mirrors {`, `    type ipv4_addr`, `    flags interval`, `    elements = { ${p.mirrorAddresses.join(", ")} }`, `  }`]
      : [];
  const lines = [
    `table inet ${p.table}`,
    `delete table inet ${p.table}`,
    `table inet ${p.table} {`,
    ...mirrorSet,
    `  chain input {`,
    `    type filter hook input priority filter - 10; policy accept;`,
    `    iifname ${br} jump sandbox_to_host`,
    `  }`,
    `  chain sandbox_to_host {`,
    `    ct state established,related accept`,
    ...dns.map((r) => `    ${r}`),
    `    ${refuse}`,
    `  }`,
    `  chain forward {`,
    `    type filter hook forward priority filter - 10; policy accept;`,
    `    iifname ${br} oifname ${br} jump between_sandboxes`,
    `    iifname ${br} jump sandbox_egress`,
    `    oifname ${br} ct state established,related accept`,
    `    oifname ${br} ${refuse}`,
    `  }`,
    `  chain between_sandboxes {`,
    `    ${registry}`,
    `    ${refuse}`,
    `  }`,
    `  chain sandbox_egress {`,
    `    ct state established,related accept`,
    // A destination the host rewrote (a port it publishes for some container) belongs to the host.
    `    ct status dnat ${refuse}`,
    ...egress.map((r) => `    ${r}`),
    `  }`,
    `}`,
  ];
  return lines.join("\n") + "\n";
}

export interface NetworkPolicyOptions {
  network: string;
  /** LAYERLAB_REGISTRY: the lab registry's ip:port on the sandbox network. */
  registry: string;
  egress: Egress;
  mirrorHosts?: string[];
  /** Defaults to "layerlab"; tests use their own so they never disturb a running lab's policy. */
  table?: string;
  resolveHost?: (host: string) => Promise<string[]>;
  podman?: string;
}

/** Reads the network's bridge and gateway from podman, resolves the mirrors, and installs the rules. */
export async function applyNetworkPolicy(opts: NetworkPolicyOptions): Promise<NetworkPolicyRules> {
  const rules = await resolveNetworkPolicy(opts);
  await installNetworkPolicy(rules);
  return rules;
}

/** Removes the policy's table (for tests and uninstalls; a running lab keeps its rules across restarts). */
export async function removeNetworkPolicy(table = "layerlab"): Promise<void> {
  await runHostCommandOk("nft", ["-f", "-"], { stdin: `table inet ${table}\ndelete table inet ${table}\n` });
}

/**
 * Applies the policy now and again every `refreshMs`, so mirror addresses follow their DNS. A mirror
 * address stays allowed for `rememberMs` after it was last resolved: CDNs rotate their answers, and
 * a sandbox's resolver may still hand out one the host saw a little earlier. A failed refresh keeps
 * the rules already in place (and reports the error).
 */
export async function keepNetworkPolicy(
  opts: NetworkPolicyOptions,
  { refreshMs = 10 * 60_000, rememberMs = 60 * 60_000, onError = (error: unknown) => console.error("layerlab: refreshing the sandbox network policy failed:", error) } = {},
): Promise<{ stop(): void }> {
  const lastSeen = new Map<string, number>();
  const apply = async () => {
    const rules = await resolveNetworkPolicy(opts);
    const now = Date.now();
    for (const address of rules.mirrorAddresses) lastSeen.set(address, now);
    for (const [address, seen] of lastSeen) if (now - seen > rememberMs) lastSeen.delete(address);
    await installNetworkPolicy({ ...rules, mirrorAddresses: [...lastSeen.keys()].sort() });
  };
  await apply();
  const timer = setInterval(() => apply().catch(onError), refreshMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

async function installNetworkPolicy(rules: NetworkPolicyRules): Promise<void> {
  await ensureBridgeNetfilter();
  await runHostCommandOk("nft", ["-f", "-"], { stdin: renderNetworkPolicy(rules) });
}

const BRIDGE_SYSCTLS = ["/proc/sys/net/bridge/bridge-nf-call-iptables", "/proc/sys/net/bridge/bridge-nf-call-ip6tables"];

/** Bridged packets must pass the inet hooks, or sandboxes on one bridge could reach each other. */
async function ensureBridgeNetfilter(): Promise<void> {
  if (!existsSync(BRIDGE_SYSCTLS[0])) {
    await runHostCommand("modprobe", ["br_netfilter"]).catch(() => undefined);
    if (!existsSync(BRIDGE_SYSCTLS[0])) {
      throw new Error("br_netfilter is not available (no /proc/sys/net/bridge): without it sandboxes on the same bridge could reach each other. Load it (modprobe br_netfilter) or use a kernel with CONFIG_BRIDGE_NETFILTER.");
    }
  }
  for (const sysctl of BRIDGE_SYSCTLS) {
    if ((await readFile(sysctl, "utf8")).trim() !== "1") await writeFile(sysctl, "1\n");
  }
}

async function resolveNetworkPolicy(opts: NetworkPolicyOptions): Promise<NetworkPolicyRules> {
  const inspected = await runHostCommandOk(opts.podman ?? "podman", ["network", "inspect", opts.network, "--format", "json"]);
  const [network] = JSON.parse(inspected.stdout.toString("utf8")) as { network_interface: string; subnets?: { gateway?: string }[] }[];
  const gateway = network.subnets?.[0]?.gateway;
  if (!network.network_interface || !gateway) throw new Error(`podman network ${opts.network} has no bridge interface or gateway; recreate it with scripts/host-setup.sh`);
  const match = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(opts.registry);
  if (!match) throw new Error(`LAYERLAB_REGISTRY must be an IPv4 address with a port (as seen from the sandbox network), got ${opts.registry}`);
  let mirrorAddresses: string[] = [];
  if (opts.egress === "mirrors") {
    const resolve = opts.resolveHost ?? ((host: string) => lookup(host, { all: true, family: 4 }).then((all) => all.map((a) => a.address)));
    const hosts = opts.mirrorHosts ?? DEFAULT_MIRROR_HOSTS;
    // A mirror that does not resolve right now must not take the others (or the whole policy) down.
    const resolved = await Promise.all(hosts.map((host) => resolve(host).catch(() => [] as string[])));
    mirrorAddresses = [...new Set(resolved.flat())].sort();
  }
  return { table: opts.table ?? "layerlab", bridge: network.network_interface, gateway, registryIp: match[1], registryPort: Number(match[2]), egress: opts.egress, mirrorAddresses };
}
