import "server-only";
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from "node:dgram";
import { getServers } from "node:dns";
import { createConnection, createServer, isIP, type Server as TcpServer, type Socket } from "node:net";
import * as dnsPacket from "dns-packet";
import type { Config } from "@/lib/config";

/**
 * The sandboxes' DNS resolver: it answers only the names the lab's egress policy lets a sandbox use,
 * so DNS is no wider than the firewall. The network policy (network-policy.ts) redirects every DNS
 * query a sandbox sends, to whatever address, to this resolver; podman's own resolver (aardvark-dns),
 * which forwards any name upstream and answers every container's name on the network, is never
 * reached from a sandbox.
 *
 * - The lab registry's name (REGISTRY_NAME) is answered here, in every mode.
 * - `none`: nothing else.
 * - `mirrors`: the package mirrors' own names (exactly, no subdomains: a subdomain label is a way to
 *   carry data out) are forwarded upstream for their IPv4 addresses; AAAA gets an empty answer, as
 *   the policy lets sandboxes reach the mirrors over IPv4 only, so clients fall back at once.
 * - `open`: every name is forwarded upstream (the host's resolvers, which know nothing of sandboxes).
 * - Anything else is REFUSED without a packet leaving the host, and reported to `onQuery`.
 *
 * The wire format is dns-packet's; answers from upstream are relayed byte for byte after their id and
 * question are checked against the query, so nothing is re-encoded on the way.
 */
export type Egress = Config["LAYERLAB_EGRESS"];

/** The lab registry's name inside a sandbox (`.internal` is reserved for private use, so it never leaks a real name). */
export const REGISTRY_NAME = "registry.layerlab.internal";

export interface ResolverPolicy {
  egress: Egress;
  registryIp: string;
  /** Names forwarded upstream with egress `mirrors`. */
  mirrorHosts: string[];
}

export type Decision = { kind: "registry" } | { kind: "forward" } | { kind: "empty" } | { kind: "refuse" };

/** What the resolver does with one question: pure, so the policy is unit-tested without sockets. */
export function decide(question: { name: string; type: string }, policy: ResolverPolicy): Decision {
  const name = question.name.toLowerCase().replace(/\.$/, "");
  if (name === REGISTRY_NAME) return question.type === "A" ? { kind: "registry" } : { kind: "empty" };
  if (policy.egress === "open") return { kind: "forward" };
  if (policy.egress === "mirrors" && policy.mirrorHosts.some((h) => h.toLowerCase() === name)) {
    return question.type === "A" ? { kind: "forward" } : { kind: "empty" };
  }
  return { kind: "refuse" };
}

export interface QueryEvent {
  from: string;
  name: string;
  type: string;
  outcome: Decision["kind"] | "malformed" | "upstream failed" | "busy";
}

export interface Upstream {
  host: string;
  port: number;
}

export interface LabResolverOptions {
  policy: ResolverPolicy;
  /** Where forwarded questions go; defaults to the host's own resolvers (/etc/resolv.conf). */
  upstreams?: Upstream[];
  /** 0.0.0.0 so the network policy's redirect reaches it on the bridge whether or not the bridge is up yet; the policy keeps other interfaces off. */
  host?: string;
  /** 0 picks a free port (the policy is rendered with the port actually bound). */
  port?: number;
  upstreamTimeoutMs?: number;
  onQuery?: (event: QueryEvent) => void;
  /**
   * Questions waiting on upstream at once, per client and in all: each holds a socket until its answer
   * or timeout, so a sandbox flooding the resolver gets SERVFAIL instead of exhausting the lab's file
   * descriptors or the other sandboxes' share.
   */
  maxForwards?: number;
  maxForwardsPerClient?: number;
  /** Awaited with the IPv4 addresses of a forwarded answer before it is sent (the policy allows them first). */
  beforeForwardedAnswer?: (addresses: string[]) => Promise<void> | void;
}

export interface LabResolver {
  /** The UDP and TCP port it answers on. */
  port: number;
  close(): Promise<void>;
}

const RCODE = { FORMERR: 1, SERVFAIL: 2, REFUSED: 5 } as const;
/** A DNS message over TCP is at most 65535 bytes; a client holding a connection open gets this long. */
const TCP_IDLE_MS = 10_000;
const MAX_TCP_CONNECTIONS = 256;

function hostUpstreams(): Upstream[] {
  return getServers().map((server) => {
    const bracketed = /^\[(.+)\]:(\d+)$/.exec(server);
    if (bracketed) return { host: bracketed[1], port: Number(bracketed[2]) };
    const withPort = /^([^:]+):(\d+)$/.exec(server);
    if (withPort) return { host: withPort[1], port: Number(withPort[2]) };
    return { host: server, port: 53 };
  });
}

/** A reply carrying only the query's question and a response code (answers for REFUSED, FORMERR, …). */
function replyWith(query: dnsPacket.DecodedPacket | undefined, raw: Buffer, rcode: number, answers: dnsPacket.Answer[] = []): Buffer {
  const id = query?.id ?? (raw.length >= 2 ? raw.readUInt16BE(0) : 0);
  const rd = query?.flag_rd ? dnsPacket.RECURSION_DESIRED : 0;
  return dnsPacket.encode({
    type: "response",
    id,
    flags: rd | dnsPacket.RECURSION_AVAILABLE | rcode,
    questions: query?.questions ?? [],
    answers,
  });
}

function sameQuestion(a: dnsPacket.Question | undefined, b: dnsPacket.Question | undefined): boolean {
  return !!a && !!b && a.name.toLowerCase() === b.name.toLowerCase() && a.type === b.type;
}

async function askUdp(upstream: Upstream, raw: Buffer, query: dnsPacket.DecodedPacket, timeoutMs: number): Promise<Buffer> {
  const socket = createSocket(isIP(upstream.host) === 6 ? "udp6" : "udp4");
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from ${upstream.host}:${upstream.port}`)), timeoutMs);
      socket.on("error", (error) => (clearTimeout(timer), reject(error)));
      socket.on("message", (message, rinfo) => {
        if (rinfo.port !== upstream.port) return;
        let reply: dnsPacket.DecodedPacket;
        try {
          reply = dnsPacket.decode(message);
        } catch {
          return;
        }
        // Only the answer to this very question counts: anything else on the socket is ignored.
        if (reply.id !== query.id || reply.type !== "response" || !sameQuestion(reply.questions?.[0], query.questions?.[0])) return;
        clearTimeout(timer);
        resolve(message);
      });
      socket.send(raw, upstream.port, upstream.host);
    });
  } finally {
    socket.close();
  }
}

async function askTcp(upstream: Upstream, raw: Buffer, query: dnsPacket.DecodedPacket, timeoutMs: number): Promise<Buffer> {
  const socket = createConnection({ host: upstream.host, port: upstream.port });
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from ${upstream.host}:${upstream.port}`)), timeoutMs);
      let buffered = Buffer.alloc(0);
      socket.on("error", (error) => (clearTimeout(timer), reject(error)));
      socket.on("connect", () => socket.write(Buffer.concat([lengthPrefix(raw.length), raw])));
      socket.on("data", (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
        const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
        clearTimeout(timer);
        try {
          const reply = dnsPacket.decode(message);
          if (reply.id !== query.id || !sameQuestion(reply.questions?.[0], query.questions?.[0])) throw new Error("upstream answered another question");
          resolve(message);
        } catch (error) {
          reject(error);
        }
      });
    });
  } finally {
    socket.destroy();
  }
}

function addressesIn(reply: Buffer): string[] {
  return (dnsPacket.decode(reply).answers ?? []).flatMap((a) => (a.type === "A" ? [a.data] : []));
}

function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(length);
  return prefix;
}

/** Starts the resolver on UDP and TCP (one port for both). */
export async function startLabResolver(opts: LabResolverOptions): Promise<LabResolver> {
  const host = opts.host ?? "0.0.0.0";
  const upstreams = opts.upstreams ?? hostUpstreams();
  const timeoutMs = opts.upstreamTimeoutMs ?? 3000;
  const onQuery = opts.onQuery ?? (() => {});
  const maxForwards = opts.maxForwards ?? 256;
  const maxPerClient = opts.maxForwardsPerClient ?? 32;
  const forwarding = new Map<string, number>();
  let forwardingTotal = 0;

  async function answer(raw: Buffer, from: string, transport: "udp" | "tcp"): Promise<Buffer> {
    let query: dnsPacket.DecodedPacket | undefined;
    try {
      query = dnsPacket.decode(raw);
    } catch {
      onQuery({ from, name: "", type: "", outcome: "malformed" });
      return replyWith(undefined, raw, RCODE.FORMERR);
    }
    const question = query.questions?.[0];
    const opcode = (raw.readUInt16BE(2) >> 11) & 0xf;
    if (query.type !== "query" || opcode !== 0 || query.questions?.length !== 1 || !question) {
      onQuery({ from, name: question?.name ?? "", type: question?.type ?? "", outcome: "malformed" });
      return replyWith(query, raw, RCODE.FORMERR);
    }
    const decision = decide(question, opts.policy);
    const event = { from, name: question.name, type: String(question.type) };
    switch (decision.kind) {
      case "refuse":
        onQuery({ ...event, outcome: "refuse" });
        return replyWith(query, raw, RCODE.REFUSED);
      case "empty":
        onQuery({ ...event, outcome: "empty" });
        return replyWith(query, raw, 0);
      case "registry":
        onQuery({ ...event, outcome: "registry" });
        return replyWith(query, raw, 0, [{ type: "A", name: question.name, ttl: 60, data: opts.policy.registryIp }]);
      case "forward":
        if (forwardingTotal >= maxForwards || (forwarding.get(from) ?? 0) >= maxPerClient) {
          onQuery({ ...event, outcome: "busy" });
          return replyWith(query, raw, RCODE.SERVFAIL);
        }
        forwardingTotal++;
        forwarding.set(from, (forwarding.get(from) ?? 0) + 1);
        try {
          return await forward(raw, query, event, transport);
        } finally {
          forwardingTotal--;
          const left = (forwarding.get(from) ?? 1) - 1;
          if (left) forwarding.set(from, left);
          else forwarding.delete(from);
        }
    }
  }

  async function forward(raw: Buffer, query: dnsPacket.DecodedPacket, event: Omit<QueryEvent, "outcome">, transport: "udp" | "tcp"): Promise<Buffer> {
    for (const upstream of upstreams) {
      try {
        const reply = await (transport === "udp" ? askUdp : askTcp)(upstream, raw, query, timeoutMs);
        await opts.beforeForwardedAnswer?.(addressesIn(reply));
        onQuery({ ...event, outcome: "forward" });
        return reply;
      } catch {
        // the next upstream, as a stub resolver would (also when the policy could not take the addresses)
      }
    }
    onQuery({ ...event, outcome: "upstream failed" });
    return replyWith(query, raw, RCODE.SERVFAIL);
  }

  function udpSocket(): UdpSocket {
    const udp = createSocket("udp4");
    udp.on("message", (raw: Buffer, rinfo: RemoteInfo) => {
      answer(raw, rinfo.address, "udp")
        .then((reply) => udp.send(reply, rinfo.port, rinfo.address))
        .catch(() => {});
    });
    return udp;
  }

  const connections = new Set<Socket>();
  function tcpServer(): TcpServer {
    const server = createServer((socket) => {
      connections.add(socket);
      socket.on("close", () => connections.delete(socket));
      socket.on("error", () => socket.destroy());
      socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
      let buffered = Buffer.alloc(0);
      socket.on("data", (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
          const raw = Buffer.from(buffered.subarray(2, 2 + buffered.readUInt16BE(0)));
          buffered = buffered.subarray(2 + raw.length);
          answer(raw, socket.remoteAddress ?? "", "tcp")
            .then((reply) => socket.write(Buffer.concat([lengthPrefix(reply.length), reply])))
            .catch(() => socket.destroy());
        }
      });
    });
    server.maxConnections = MAX_TCP_CONNECTIONS;
    return server;
  }

  const { udp, tcp } = await bindBoth(udpSocket, tcpServer, host, opts.port ?? 0);
  // After binding: a datagram that cannot be sent (the client went away) must not take the resolver down.
  udp.on("error", () => {});
  tcp.on("error", () => {});
  return {
    port: udp.address().port,
    async close() {
      for (const socket of connections) socket.destroy();
      await Promise.all([new Promise<void>((resolve) => udp.close(() => resolve())), new Promise<void>((resolve) => tcp.close(() => resolve()))]);
    },
  };
}

/** Binds UDP (to a free port when asked for 0), then TCP on the same port; with a free port, tries another if TCP's is taken. */
async function bindBoth(makeUdp: () => UdpSocket, makeTcp: () => TcpServer, host: string, port: number): Promise<{ udp: UdpSocket; tcp: TcpServer }> {
  for (let attempt = 1; ; attempt++) {
    const udp = makeUdp();
    await new Promise<void>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(port, host, () => (udp.off("error", reject), resolve()));
    });
    const bound = udp.address().port;
    const tcp = makeTcp();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once("error", reject);
        tcp.listen(bound, host, () => (tcp.off("error", reject), resolve()));
      });
      return { udp, tcp };
    } catch (error) {
      udp.close();
      if (port !== 0 || attempt === 5) throw new Error(`the lab resolver could not listen on TCP port ${bound}: ${(error as Error).message}`);
    }
  }
}
