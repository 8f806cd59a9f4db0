import { describe, expect, it } from "vitest";
import { renderNetworkPolicy, type NetworkPolicyRules } from "./network-policy";

const base: NetworkPolicyRules = {
  instance: "main",
  network: "layerlab",
  bridge: "podman1",
  gateway: "10.231.7.1",
  registryIp: "10.231.7.2",
  registryPort: 5000,
  egress: "mirrors",
  mirrorAddresses: ["151.101.2.132", "104.16.1.35"],
  resolverPort: 40053,
  pid: 4242,
};

/** The rules of one chain, one per line, without indentation. */
function chain(script: string, name: string): string[] {
  const match = new RegExp(`chain ${name} \\{\\n([\\s\\S]*?)\\n  \\}`).exec(script);
  if (!match) throw new Error(`no chain ${name}`);
  return match[1].split("\n").map((l) => l.trim());
}

describe("renderNetworkPolicy", () => {
  it("replaces its own instance's table atomically (create-if-missing, delete, recreate in one script)", () => {
    const script = renderNetworkPolicy(base);
    expect(script.startsWith("table inet layerlab-main\ndelete table inet layerlab-main\ntable inet layerlab-main {")).toBe(true);
    expect(renderNetworkPolicy({ ...base, instance: "e2e" })).toContain("table inet layerlab-e2e {");
  });

  it("records whose policy it is, so another instance on the same network can tell a conflict (within nft's 128 characters)", () => {
    const longest = renderNetworkPolicy({ ...base, instance: "x".repeat(32), bridge: "podman12345", registryIp: "100.100.100.100", registryPort: 65535, pid: 4194304 });
    expect(/comment "([^"]*)"/.exec(longest)![1].length).toBeLessThanOrEqual(128);
    expect(renderNetworkPolicy(base)).toContain('comment "instance=main bridge=podman1 egress=mirrors registry=10.231.7.2:5000 pid=4242"');
  });

  it("sends every DNS query from the bridge, to whatever address, to the lab resolver", () => {
    const script = renderNetworkPolicy(base);
    expect(chain(script, "dns_redirect")).toEqual([
      "type nat hook prerouting priority dstnat - 10; policy accept;",
      'iifname "podman1" meta l4proto { tcp, udp } th dport 53 redirect to :40053',
    ]);
    // ... and keeps every other interface but loopback off the resolver's port.
    expect(chain(script, "input")).toContain('meta l4proto { tcp, udp } th dport 40053 iifname != { "podman1", "lo" } reject with icmpx admin-prohibited');
  });

  it("hooks input and forward ahead of the standard filter chains", () => {
    const script = renderNetworkPolicy(base);
    expect(chain(script, "input")[0]).toBe("type filter hook input priority filter - 10; policy accept;");
    expect(chain(script, "forward")[0]).toBe("type filter hook forward priority filter - 10; policy accept;");
  });

  it("lets sandboxes reach only the lab registry's port on their bridge", () => {
    const script = renderNetworkPolicy(base);
    expect(chain(script, "forward")).toContain('iifname "podman1" oifname "podman1" jump between_sandboxes');
    expect(chain(script, "between_sandboxes")).toEqual([
      "ip daddr 10.231.7.2 tcp dport 5000 accept",
      "ip saddr 10.231.7.2 tcp sport 5000 accept",
      "reject with icmpx admin-prohibited",
    ]);
  });

  it("once its lab has stopped, keeps every rule but the DNS redirect (DNS is then refused, never podman's resolver)", () => {
    const script = renderNetworkPolicy({ ...base, resolverPort: null });
    expect(script).not.toContain("redirect");
    expect(script).not.toContain("dns_redirect");
    expect(chain(script, "sandbox_to_host").at(-1)).toBe("reject with icmpx admin-prohibited");
    expect(chain(script, "between_sandboxes").at(-1)).toBe("reject with icmpx admin-prohibited");
  });

  it("refuses everything a sandbox sends the host except replies and its redirected DNS, in every mode", () => {
    for (const egress of ["none", "mirrors", "open"] as const) {
      expect(chain(renderNetworkPolicy({ ...base, egress }), "sandbox_to_host")).toEqual([
        "ct state established,related accept",
        "meta l4proto { tcp, udp } ct status dnat accept",
        "reject with icmpx admin-prohibited",
      ]);
    }
  });

  it("egress none: nothing out", () => {
    const script = renderNetworkPolicy({ ...base, egress: "none" });
    expect(chain(script, "sandbox_egress").slice(-1)).toEqual(["reject with icmpx admin-prohibited"]);
    expect(script).not.toContain("set mirrors");
  });

  it("egress mirrors: web ports of the resolved mirror addresses only", () => {
    const script = renderNetworkPolicy(base);
    expect(script).toContain("elements = { 151.101.2.132, 104.16.1.35 }");
    expect(chain(script, "sandbox_egress").slice(-2)).toEqual(["ip daddr @mirrors tcp dport { 80, 443 } accept", "reject with icmpx admin-prohibited"]);
  });

  it("egress mirrors with nothing resolved: an empty set is not valid nft, so no set and nothing out", () => {
    const script = renderNetworkPolicy({ ...base, mirrorAddresses: [] });
    expect(script).not.toContain("@mirrors");
    expect(chain(script, "sandbox_egress").slice(-1)).toEqual(["reject with icmpx admin-prohibited"]);
  });

  it("egress open: the internet, never private, link-local or loopback ranges", () => {
    const egress = chain(renderNetworkPolicy({ ...base, egress: "open" }), "sandbox_egress");
    expect(egress.at(-1)).toBe("accept");
    expect(egress.join("\n")).toMatch(/ip daddr \{[^}]*10\.0\.0\.0\/8[^}]*169\.254\.0\.0\/16[^}]*192\.168\.0\.0\/16[^}]*\} reject/);
    expect(egress.join("\n")).toMatch(/ip6 daddr \{[^}]*fe80::\/10[^}]*\} reject/);
  });

  it("never lets a published host port (DNAT) or an outside connection into a sandbox", () => {
    const script = renderNetworkPolicy({ ...base, egress: "open" });
    expect(chain(script, "sandbox_egress")).toContain("ct status dnat reject with icmpx admin-prohibited");
    expect(chain(script, "forward").slice(-2)).toEqual(['oifname "podman1" ct state established,related accept', 'oifname "podman1" reject with icmpx admin-prohibited']);
  });
});
