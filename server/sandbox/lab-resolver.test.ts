import { createSocket } from "node:dgram";
import { createConnection } from "node:net";
import * as dnsPacket from "dns-packet";
import { afterEach, describe, expect, it } from "vitest";
import { addressesOf, askDns, RCODE, rcodeOf, startDnsStub, type DnsStub } from "./dns-stub.test-support";
import { decide, REGISTRY_NAME, startLabResolver, type LabResolver, type QueryEvent, type ResolverPolicy } from "./lab-resolver";

const policy = (egress: ResolverPolicy["egress"]): ResolverPolicy => ({ egress, registryIp: "10.231.7.2", mirrorHosts: ["deb.debian.org", "registry.npmjs.org"] });

describe("decide", () => {
  it("answers the registry's name itself in every mode, A only", () => {
    for (const egress of ["none", "mirrors", "open"] as const) {
      expect(decide({ name: REGISTRY_NAME, type: "A" }, policy(egress))).toEqual({ kind: "registry" });
      expect(decide({ name: `${REGISTRY_NAME.toUpperCase()}.`, type: "A" }, policy(egress))).toEqual({ kind: "registry" });
      expect(decide({ name: REGISTRY_NAME, type: "TXT" }, policy(egress))).toEqual({ kind: "empty" });
    }
  });

  it("none: refuses every other name", () => {
    expect(decide({ name: "deb.debian.org", type: "A" }, policy("none"))).toEqual({ kind: "refuse" });
  });

  it("mirrors: forwards the mirrors' own names for IPv4, nothing else, no subdomain", () => {
    expect(decide({ name: "deb.debian.org", type: "A" }, policy("mirrors"))).toEqual({ kind: "forward" });
    expect(decide({ name: "Deb.Debian.org.", type: "A" }, policy("mirrors"))).toEqual({ kind: "forward" });
    expect(decide({ name: "deb.debian.org", type: "AAAA" }, policy("mirrors"))).toEqual({ kind: "empty" });
    expect(decide({ name: "secret-data.deb.debian.org", type: "A" }, policy("mirrors"))).toEqual({ kind: "refuse" });
    expect(decide({ name: "example.com", type: "A" }, policy("mirrors"))).toEqual({ kind: "refuse" });
    expect(decide({ name: "layerlab-0123456789ab", type: "A" }, policy("mirrors"))).toEqual({ kind: "refuse" });
  });

  it("open: forwards everything", () => {
    expect(decide({ name: "example.com", type: "TXT" }, policy("open"))).toEqual({ kind: "forward" });
  });
});

describe("lab resolver on loopback, with an upstream stub of our own", () => {
  let upstream: DnsStub | undefined;
  let resolver: LabResolver | undefined;
  afterEach(async () => {
    await resolver?.close();
    await upstream?.close();
    resolver = upstream = undefined;
  });

  async function start(egress: ResolverPolicy["egress"]): Promise<{ events: QueryEvent[]; server: { host: string; port: number } }> {
    upstream = await startDnsStub({ "deb.debian.org": "10.231.252.2", "example.com": "10.231.252.3" });
    const events: QueryEvent[] = [];
    resolver = await startLabResolver({ policy: policy(egress), upstreams: [{ host: "127.0.0.1", port: upstream.port }], host: "127.0.0.1", onQuery: (e) => events.push(e) });
    return { events, server: { host: "127.0.0.1", port: resolver.port } };
  }

  it("mirrors: relays the upstream's answer for a mirror, refuses another name without asking upstream", async () => {
    const { events, server } = await start("mirrors");
    const mirror = await askDns(server, "deb.debian.org");
    expect(rcodeOf(mirror)).toBe(RCODE.NOERROR);
    expect(addressesOf(mirror)).toEqual(["10.231.252.2"]);
    expect(upstream!.received).toEqual(["deb.debian.org A"]);

    const other = await askDns(server, "example.com");
    expect(rcodeOf(other)).toBe(RCODE.REFUSED);
    expect(other.id).toBe(7);
    expect(upstream!.received).toEqual(["deb.debian.org A"]);
    expect(events.map((e) => `${e.name} ${e.outcome}`)).toEqual(["deb.debian.org forward", "example.com refuse"]);
  });

  it("answers the registry's name without upstream", async () => {
    const { server } = await start("none");
    const reply = await askDns(server, REGISTRY_NAME);
    expect(addressesOf(reply)).toEqual(["10.231.7.2"]);
    expect(rcodeOf(await askDns(server, "deb.debian.org"))).toBe(RCODE.REFUSED);
    expect(upstream!.received).toEqual([]);
  });

  it("open: forwards any name", async () => {
    const { server } = await start("open");
    expect(addressesOf(await askDns(server, "example.com"))).toEqual(["10.231.252.3"]);
    expect(upstream!.received).toEqual(["example.com A"]);
  });

  it("a client flooding forwarded questions gets SERVFAIL beyond its share, while the upstream is slow", async () => {
    // An upstream that never answers: every forwarded question stays in flight until the resolver's timeout.
    const silent = createSocket("udp4");
    let reachedUpstream = 0;
    silent.on("message", () => reachedUpstream++);
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    const events: QueryEvent[] = [];
    resolver = await startLabResolver({
      policy: policy("open"),
      upstreams: [{ host: "127.0.0.1", port: silent.address().port }],
      host: "127.0.0.1",
      upstreamTimeoutMs: 60_000,
      maxForwardsPerClient: 4,
      onQuery: (e) => events.push(e),
    });
    try {
      const server = { host: "127.0.0.1", port: resolver.port };
      for (const n of [1, 2, 3, 4]) void askDns(server, `q${n}.example.com`).catch(() => null);
      while (reachedUpstream < 4) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(rcodeOf(await askDns(server, "q5.example.com"))).toBe(RCODE.SERVFAIL);
      expect(events.map((e) => `${e.name} ${e.outcome}`)).toEqual(["q5.example.com busy"]);
      expect(reachedUpstream).toBe(4);
      // The registry's name needs no upstream, so it is still answered.
      expect(addressesOf(await askDns(server, REGISTRY_NAME))).toEqual(["10.231.7.2"]);
    } finally {
      silent.close();
    }
  });

  it("answers over TCP too, and garbage with FORMERR while it keeps serving", async () => {
    const { events, server } = await start("none");
    const reply = await new Promise<dnsPacket.DecodedPacket>((resolve, reject) => {
      const socket = createConnection(server, () => socket.write(dnsPacket.streamEncode({ type: "query", id: 9, questions: [{ type: "A", name: REGISTRY_NAME }] })));
      let buffered = Buffer.alloc(0);
      socket.on("data", (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
          socket.end();
          resolve(dnsPacket.decode(buffered.subarray(2)));
        }
      });
      socket.on("error", reject);
    });
    expect(addressesOf(reply)).toEqual(["10.231.7.2"]);

    const raw = createSocket("udp4");
    const formerr = await new Promise<Buffer>((resolve) => {
      raw.on("message", (m) => resolve(m));
      raw.send(Buffer.from([0x12, 0x34, 0x01]), server.port, server.host);
    });
    raw.close();
    expect(formerr.readUInt16BE(0)).toBe(0x1234);
    expect(formerr.readUInt16BE(2) & 0xf).toBe(1);
    expect(events.at(-1)?.outcome).toBe("malformed");
    expect((await askDns(server, REGISTRY_NAME)).answers).toHaveLength(1);
  });
});
