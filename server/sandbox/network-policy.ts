import "server-only";
import { lookup } from "node:dns/promises";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import type { Config } from "@/lib/config";
import { runHostCommand, runHostCommandOk } from "./host-command";
import { startLabResolver, type QueryEvent, type Upstream } from "./lab-resolver";

/**
 * Who a sandbox may talk to, enforced on the host with nftables.
 *
 * - Sandboxes cannot reach each other, although they share one bridge. Traffic between two ports
 *   of a bridge never reaches the IP layer unless br_netfilter hands bridged IPv4/IPv6 packets to
 *   the inet hooks (net.bridge.bridge-nf-call-iptables/ip6tables = 1), so applying the policy turns
 *   those on (as Docker and Kubernetes hosts do). This kernel has no nft bridge `meta ibrname`, so a
 *   bridge-family table could not tell our bridge's ports from other bridges' ports.
 * - Sandboxes cannot reach the host: anything addressed to the host from the bridge is refused.
 * - DNS: every query a sandbox sends to port 53, whatever the address, is redirected to the lab's
 *   resolver (lab-resolver.ts), which answers only the names this policy allows. podman's resolver on
 *   the gateway (aardvark-dns forwards any name upstream and knows every container on the network)
 *   is never reached from a sandbox. The resolver listens on all addresses of the host, so nothing is
 *   bound to the gateway address (which exists only while the bridge is up); the input chain keeps
 *   every other interface off its port.
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
 * One policy per lab instance: its table is named for the instance (`layerlab-<instance>`) and every
 * rule matches that instance's own bridge, so two labs on one host on two networks keep their own
 * policies. Two instances on one network would each filter the other's sandboxes too (a packet must
 * pass every table's chains, so the stricter wins), and each one's DNS redirect would catch the
 * other's queries: so a lab refuses to start while another live instance holds a different policy for
 * its network, and says which (a stopped lab's policy counts while its sandboxes exist). Instances
 * on one network with the same policy (tests beside a dev lab) share it, whichever one's resolver
 * takes the DNS; a lab that stops takes its DNS redirect out, and a table of the same policy whose
 * lab is gone is removed (ours covers its sandboxes with the same rules), as is one of another policy
 * whose lab and sandboxes are both gone.
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
  /** The lab instance (LAYERLAB_INSTANCE) whose policy this is. */
  instance: string;
  network: string;
  /** The sandbox network's bridge interface (podman names it podman1, podman2, …). */
  bridge: string;
  gateway: string;
  registryIp: string;
  registryPort: number;
  egress: Egress;
  /** IPv4 addresses the mirrors resolved to (used only with egress "mirrors"). */
  mirrorAddresses: string[];
  /**
   * The lab resolver's port on the host; null once the lab has stopped: its sandboxes' DNS is then
   * refused, or taken by another live lab's resolver with the same policy on this network.
   */
  resolverPort: number | null;
  /** The lab process holding the policy; a table whose process and sandboxes are gone is stale. */
  pid: number;
}

/** The policy's nft table (family inet): one per lab instance. */
export function policyTable(instance: string): string {
  return `layerlab-${instance}`;
}

/** The table every lab shared before policies were per instance; it filtered whatever bridge the last lab named. */
const LEGACY_TABLE = "layerlab";

/** What the table's comment records (nft allows 128 characters), so another instance can tell whose policy it is and whether it conflicts. */
function describePolicy(p: NetworkPolicyRules): string {
  return `instance=${p.instance} bridge=${p.bridge} egress=${p.egress} registry=${p.registryIp}:${p.registryPort} pid=${p.pid}`;
}

function parsePolicyComment(comment: string): Record<string, string> {
  return Object.fromEntries(comment.split(" ").flatMap((part) => (part.includes("=") ? [part.split("=", 2) as [string, string]] : [])));
}

/** The nft script for a policy: pure, so its shape is unit-tested without touching the host. */
export function renderNetworkPolicy(p: NetworkPolicyRules): string {
  const br = JSON.stringify(p.bridge);
  const registry = `ip daddr ${p.registryIp} tcp dport ${p.registryPort} accept\n    ip saddr ${p.registryIp} tcp sport ${p.registryPort} accept`;
  const refuse = "reject with icmpx admin-prohibited";
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
  const table = policyTable(p.instance);
  const lines = [
    `table inet ${table}`,
    `delete table inet ${table}`,
    `table inet ${table} {`,
    `  comment ${JSON.stringify(describePolicy(p))}`,
    ...mirrorSet,
    // Ahead of netavark's own DNAT (dstnat), so a sandbox's DNS never reaches aardvark-dns.
    ...(p.resolverPort === null
      ? []
      : [
          `  chain dns_redirect {`,
          `    type nat hook prerouting priority dstnat - 10; policy accept;`,
          `    iifname ${br} meta l4proto { tcp, udp } th dport 53 redirect to :${p.resolverPort}`,
          `  }`,
        ]),
    `  chain input {`,
    `    type filter hook input priority filter - 10; policy accept;`,
    `    iifname ${br} jump sandbox_to_host`,
    ...(p.resolverPort === null ? [] : [`    meta l4proto { tcp, udp } th dport ${p.resolverPort} iifname != { ${br}, "lo" } ${refuse}`]),
    `  }`,
    `  chain sandbox_to_host {`,
    `    ct state established,related accept`,
    // Only a redirect makes the host itself the destination of a sandbox's packet (netavark's port
    // DNATs lead to containers, through forward): this is DNS on its way to a lab resolver, whichever
    // instance's redirect on this bridge caught it.
    `    meta l4proto { tcp, udp } ct status dnat accept`,
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
  /** LAYERLAB_INSTANCE: names the policy's table. */
  instance: string;
  network: string;
  /** LAYERLAB_REGISTRY: the lab registry's ip:port on the sandbox network. */
  registry: string;
  egress: Egress;
  mirrorHosts?: string[];
  /** The lab resolver's port (startLabResolver): the sandboxes' DNS goes there. */
  resolverPort: number;
  resolveHost?: (host: string) => Promise<string[]>;
  podman?: string;
}

/** Reads the network's bridge and gateway from podman, resolves the mirrors, and installs the rules. */
export async function applyNetworkPolicy(opts: NetworkPolicyOptions): Promise<NetworkPolicyRules> {
  const rules = await resolveNetworkPolicy(opts);
  await installNetworkPolicy(rules, opts.podman);
  return rules;
}

/** Removes an instance's policy (for tests and uninstalls; a lab keeps its rules after it stops, as its sandboxes keep running). */
export async function removeNetworkPolicy(instance: string): Promise<void> {
  const table = policyTable(instance);
  await runHostCommandOk("nft", ["-f", "-"], { stdin: `table inet ${table}\ndelete table inet ${table}\n` });
}

/** Another live lab instance holds a different policy for the same network. */
export class NetworkPolicyConflictError extends Error {
  readonly code = "network_policy_conflict";
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
): Promise<{ stop(): void; release(): Promise<void>; allowMirrorAddresses(addresses: string[]): Promise<void> }> {
  const lastSeen = new Map<string, number>();
  let resolved: NetworkPolicyRules | undefined;
  // nft transactions one at a time, so a later one never loses to an earlier one finishing late.
  let queue: Promise<void> = Promise.resolve();
  const serially = (task: () => Promise<void>) => (queue = queue.then(task, task));
  const install = async () => {
    const now = Date.now();
    for (const [address, seen] of lastSeen) if (now - seen > rememberMs) lastSeen.delete(address);
    await installNetworkPolicy({ ...resolved!, mirrorAddresses: [...lastSeen.keys()].sort() }, opts.podman);
  };
  const apply = async () => {
    resolved = await resolveNetworkPolicy(opts);
    const now = Date.now();
    for (const address of resolved.mirrorAddresses) lastSeen.set(address, now);
    await install();
  };
  await serially(apply);
  const timer = setInterval(() => serially(apply).catch(onError), refreshMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    /**
     * Stops refreshing and takes the DNS redirect out (the filter rules stay: the sandboxes outlive
     * the lab). A redirect to a resolver that is gone would otherwise win over a live lab's on a shared network.
     */
    async release() {
      clearInterval(timer);
      await serially(async () => {
        resolved = { ...resolved!, resolverPort: null };
        await install();
      });
    },
    /** Addresses the lab resolver is about to hand a sandbox for a mirror: allowed before the answer goes out, so a sandbox can reach what it was told. */
    allowMirrorAddresses(addresses) {
      const now = Date.now();
      const fresh = addresses.filter((a) => !lastSeen.has(a));
      for (const address of addresses) lastSeen.set(address, now);
      return fresh.length && opts.egress === "mirrors" ? serially(install) : Promise.resolve();
    },
  };
}

export interface SandboxNetworkOptions extends Omit<NetworkPolicyOptions, "resolverPort"> {
  /** The resolver's upstreams; the host's own resolvers by default. */
  upstreams?: Upstream[];
  onQuery?: (event: QueryEvent) => void;
  refreshMs?: number;
}

/**
 * What the lab runs for its sandboxes' network: the resolver that answers only the names the policy
 * allows, and the nft policy that sends the sandboxes' DNS to it, kept fresh.
 */
export async function keepSandboxNetwork(opts: SandboxNetworkOptions): Promise<{ resolverPort: number; stop(): Promise<void> }> {
  const mirrorHosts = opts.mirrorHosts ?? DEFAULT_MIRROR_HOSTS;
  const registryIp = opts.registry.replace(/:\d+$/, "");
  let policy: Awaited<ReturnType<typeof keepNetworkPolicy>> | undefined;
  const resolver = await startLabResolver({
    policy: { egress: opts.egress, registryIp, mirrorHosts },
    upstreams: opts.upstreams,
    onQuery: opts.onQuery ?? logFirstRefusals(),
    // CDNs rotate their answers: what the resolver tells a sandbox must be what the firewall lets it reach.
    beforeForwardedAnswer: (addresses) => policy?.allowMirrorAddresses(addresses),
  });
  try {
    policy = await keepNetworkPolicy({ ...opts, mirrorHosts, resolverPort: resolver.port }, { refreshMs: opts.refreshMs });
    return {
      resolverPort: resolver.port,
      async stop() {
        await policy?.release();
        await resolver.close();
      },
    };
  } catch (error) {
    await resolver.close();
    throw error;
  }
}

/** Says once per name that the resolver refused it, so an operator sees why a sandbox cannot resolve something, without a learner flooding the log. */
function logFirstRefusals(): (event: QueryEvent) => void {
  const seen = new Set<string>();
  return (event) => {
    if (event.outcome !== "refuse" || seen.has(event.name) || seen.size >= 1000) return;
    seen.add(event.name);
    console.warn(`layerlab: the sandbox resolver refused ${event.name} (${event.type}) from ${event.from}: not allowed by LAYERLAB_EGRESS`);
  };
}

async function installNetworkPolicy(rules: NetworkPolicyRules, podman = "podman"): Promise<void> {
  await ensureBridgeNetfilter();
  const stale = await stalePoliciesOnBridge(rules, podman);
  // One transaction: the stale tables go as ours comes, so the bridge is never without rules.
  const removeStale = stale.map((table) => `delete table inet ${table}\n`).join("");
  await runHostCommandOk("nft", ["-f", "-"], { stdin: removeStale + renderNetworkPolicy(rules) });
}

/**
 * The other policies on this policy's bridge that may go: the legacy shared table, and other
 * instances' tables whose instance is gone. Throws if a live instance holds a different policy there.
 */
async function stalePoliciesOnBridge(rules: NetworkPolicyRules, podman: string): Promise<string[]> {
  const listed = (await runHostCommandOk("nft", ["list", "tables", "inet"])).stdout.toString("utf8");
  const names = [...listed.matchAll(/^table inet (\S+)$/gm)].map((m) => m[1]);
  const stale: string[] = [];
  for (const name of names) {
    if (name === policyTable(rules.instance)) continue;
    if (name !== LEGACY_TABLE && !name.startsWith("layerlab-")) continue;
    const shown = await runHostCommand("nft", ["list", "table", "inet", name]);
    if (shown.exitCode !== 0) continue; // removed meanwhile
    const text = shown.stdout.toString("utf8");
    if (!text.includes(`iifname ${JSON.stringify(rules.bridge)}`)) continue;
    if (name === LEGACY_TABLE) {
      stale.push(name);
      continue;
    }
    const other = parsePolicyComment(/comment "([^"]*)"/.exec(text)?.[1] ?? "");
    const same = other.egress === rules.egress && other.registry === `${rules.registryIp}:${rules.registryPort}`;
    const pid = Number(other.pid);
    const running = Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`);
    // The same policy is shared while its lab runs; once that lab is gone ours covers its sandboxes
    // with identical rules, and its DNS redirect (to a resolver that is gone) must not catch ours.
    if (same) {
      if (!running) stale.push(name);
      continue;
    }
    if (running || (await instanceHasSandboxes(other, podman))) {
      throw new NetworkPolicyConflictError(
        `lab instance "${other.instance ?? name}" (pid ${other.pid ?? "?"}${running ? "" : ", stopped, its sandboxes still there"}) holds the network policy of podman network ${rules.network} with egress ${other.egress} and registry ${other.registry}; ` +
          `this instance ("${rules.instance}") asks for egress ${rules.egress} and registry ${rules.registryIp}:${rules.registryPort}. ` +
          `Two policies on one network would each apply to both labs' sandboxes. Give this lab its own network (LAYERLAB_NETWORK, LAYERLAB_SUBNET and LAYERLAB_REGISTRY), ` +
          `or the same LAYERLAB_EGRESS, or stop that lab and remove its sandboxes first.`,
      );
    }
    stale.push(name);
  }
  return stale;
}

/** Sandboxes outlive their lab's process, and the policy must outlive them. */
async function instanceHasSandboxes(policy: Record<string, string>, podman: string): Promise<boolean> {
  if (!policy.instance) return true; // not ours to judge: keep it
  const listed = await runHostCommandOk(podman, ["ps", "--all", "--quiet", "--filter", `label=layerlab.instance=${policy.instance}`]);
  return listed.stdout.toString("utf8").trim() !== "";
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
  return {
    instance: opts.instance,
    network: opts.network,
    bridge: network.network_interface,
    gateway,
    registryIp: match[1],
    registryPort: Number(match[2]),
    egress: opts.egress,
    mirrorAddresses,
    resolverPort: opts.resolverPort,
    pid: process.pid,
  };
}
