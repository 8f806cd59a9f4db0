import { describe, expect, it } from "vitest";
import { renderNetworkPolicy, type NetworkPolicyRules } from "./network-policy";

const base: NetworkPolicyRules = {
  table: "layerlab",
  bridge: "podman1",
  gateway: "10.231.7.1",
  registryIp: "10.231.7.2",
  registryPort: 5000,
  egress: "mirrors",
  mirrorAddresses: ["151.101.2.132", "104.16.1.35"],
};

/** The rules of one chain, one per line, without indentation. */
function chain(script: string, name: string): string[] {
  const match = new RegExp(`chain ${name} \\{\\n([\\s\\S]*?)\\n  \\}`).exec(script);
  if (!match) throw new Error(`no chain ${name}`);
  return match[1].split("\n").map((l) => l.trim());
}

describe("renderNetworkPolicy", () => {
  it("replaces its own table atomically (create-if-missing, delete, recreate in one script)", () => {
    const script = renderNetworkPolicy(base);
    expect(script.startsWith("table inet layerlab\ndelete table inet layerlab\ntable inet layerlab {")).toBe(true);
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

  it("refuses everything a sandbox sends the host except replies and DNS to the bridge's resolver", () => {
    expect(chain(renderNetworkPolicy(base), "sandbox_to_host")).toEqual([
      "ct state established,related accept",
      "ip daddr 10.231.7.1 udp dport 53 accept",
      "ip daddr 10.231.7.1 tcp dport 53 accept",
      "reject with icmpx admin-prohibited",
    ]);
  });

  it("egress none: no DNS, nothing out", () => {
    const script = renderNetworkPolicy({ ...base, egress: "none" });
    expect(chain(script, "sandbox_to_host")).toEqual(["ct state established,related accept", "reject with icmpx admin-prohibited"]);
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
