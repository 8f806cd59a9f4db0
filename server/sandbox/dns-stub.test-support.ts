import { createSocket } from "node:dgram";
import * as dnsPacket from "dns-packet";

/**
 * An upstream DNS server of our own on loopback, standing in for the host's resolvers: it answers A
 * queries for the names it is given and records every question it receives, so a test can show what
 * the lab resolver forwarded (and what it did not) without a query leaving the machine.
 */
export interface DnsStub {
  port: number;
  /** Every question received, as "name TYPE". */
  received: string[];
  close(): Promise<void>;
}

export async function startDnsStub(records: Record<string, string>): Promise<DnsStub> {
  const received: string[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (raw, rinfo) => {
    const query = dnsPacket.decode(raw);
    const question = query.questions?.[0];
    if (!question) return;
    received.push(`${question.name} ${question.type}`);
    const address = records[question.name.toLowerCase()];
    const answers: dnsPacket.Answer[] = address && question.type === "A" ? [{ type: "A", name: question.name, ttl: 30, data: address }] : [];
    const reply = dnsPacket.encode({ type: "response", id: query.id, flags: dnsPacket.RECURSION_AVAILABLE | (address ? 0 : 3), questions: [question], answers });
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    port: socket.address().port,
    received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** Asks a DNS server one question over UDP; resolves with the decoded reply. */
export async function askDns(server: { host: string; port: number }, name: string, type: dnsPacket.RecordType = "A"): Promise<dnsPacket.DecodedPacket> {
  const socket = createSocket("udp4");
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer for ${name}`)), 5000);
      socket.on("message", (raw) => {
        clearTimeout(timer);
        resolve(dnsPacket.decode(raw));
      });
      socket.send(dnsPacket.encode({ type: "query", id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] }), server.port, server.host);
    });
  } finally {
    socket.close();
  }
}

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** A reply's response code (the low four bits of its flags). */
export function rcodeOf(reply: dnsPacket.DecodedPacket | null): number | undefined {
  return reply ? (reply.flags ?? 0) & 0xf : undefined;
}

/** A reply's IPv4 answers. */
export function addressesOf(reply: dnsPacket.DecodedPacket | null): string[] {
  return (reply?.answers ?? []).flatMap((a) => (a.type === "A" ? [a.data] : []));
}
