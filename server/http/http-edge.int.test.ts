import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TERMINAL_PATH } from "@/lib/terminal-protocol";
import {
  closeWaitSockets,
  httpRequest,
  openFds,
  rawExchange,
  settle,
  splitResponse,
  startLabServer,
  steadyFds,
  upgradeRequest,
  type LabServer,
} from "./lab-server.test-support";
import { MALFORMED_COOKIES, malformedHeaderRequests, malformedUpgrades, routeRequests, WATCH_TARGET } from "./malformed-requests.test-support";

/**
 * The HTTP edge against a real lab server process (server/index.ts on a free port, its own instance and data):
 * malformed cookies and headers on every route family and on both upgrade paths, upgrades to unknown paths, garbage
 * after an upgrade, half-open clients. Each request is answered or closed by the server; afterwards the server's
 * fds are back to their baseline, none of its sockets sits in CLOSE-WAIT, and it still serves. Positive controls:
 * a valid session cookie still opens a route and the terminal.
 */

let lab: LabServer;
let host = "";
let validCookie = "";
async function expectAnsweredAndClosed(name: string, bytes: Buffer, options: { halfClose?: boolean } = {}) {
  const result = await rawExchange(lab.port, bytes, options);
  expect.soft(result.closedByServer, `${name}: the server closed the connection`).toBe(true);
  return result;
}

async function newSession(localAddress?: string): Promise<{ status: number; cookie: string; headers: string; body: string }> {
  const result = await rawExchange(lab.port, httpRequest("POST", "/api/session", { host, origin: lab.origin }, JSON.stringify({ displayName: "Edge" })), { localAddress });
  const { head, body } = splitResponse(result.response);
  const setCookie = /^set-cookie: ([^\r\n]*)/im.exec(head)?.[1] ?? "";
  return { status: result.status ?? 0, cookie: setCookie.split(";")[0], headers: head, body };
}

beforeAll(async () => {
  lab = await startLabServer({ instance: "test-edge", env: { LAYERLAB_SECURE_COOKIES: "yes" } });
  host = `127.0.0.1:${lab.port}`;
  const session = await newSession();
  expect(session.status).toBe(201);
  validCookie = session.cookie;
});

afterAll(async () => {
  await lab?.stop();
});

describe("the HTTP edge of a real lab server", () => {
  it("with LAYERLAB_SECURE_COOKIES=yes, the learner's session cookie is Secure, HttpOnly and SameSite=Lax", async () => {
    const session = await newSession();
    expect(session.status).toBe(201);
    const setCookie = /^set-cookie: ([^\r\n]*)/im.exec(session.headers)?.[1] ?? "";
    expect(setCookie).toMatch(/^layerlab_session=[\w-]{20,};/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
  });

  it("positive controls: a valid session cookie opens a learner route and the terminal (101)", async () => {
    const route = await rawExchange(lab.port, httpRequest("GET", "/api/drills/leaderboard?drill=run-typo", { host, cookie: validCookie }));
    expect(route.status).toBe(200);
    const anonymous = await rawExchange(lab.port, httpRequest("GET", "/api/drills/leaderboard?drill=run-typo", { host }));
    expect(anonymous.status).toBe(401);
    expect(anonymous.response).toMatch(/"code":"unauthenticated"/);

    // The terminal answers 101; nothing starts a sandbox until the client says hello, and this one closes first.
    const upgraded = await rawExchange(lab.port, upgradeRequest(TERMINAL_PATH, { host, origin: lab.origin, cookie: validCookie }), {
      then: (socket) => socket.once("data", () => socket.end()),
    });
    expect(upgraded.status).toBe(101);
    // The same valid cookie with a cookie of garbage beside it still authenticates.
    const beside = await rawExchange(lab.port, upgradeRequest(TERMINAL_PATH, { host, origin: lab.origin, cookie: `x=%; ${validCookie}; y=é` }), {
      then: (socket) => socket.once("data", () => socket.end()),
    });
    expect(beside.status).toBe(101);
  });

  it("answers or closes every malformed request and upgrade, frees every socket, and keeps serving", async () => {
    // Warm up every path once (Next loads route bundles, the database opens), then take the fd baseline.
    for (const { bytes } of routeRequests(host, lab.origin, "layerlab_session=warm")) await rawExchange(lab.port, bytes);
    for (const { bytes } of malformedUpgrades(host, lab.origin, validCookie)) await rawExchange(lab.port, bytes);
    const baseline = await steadyFds(lab.pid);

    const failures: string[] = [];
    // Malformed cookies on every route family: an answer below 500, never a hang.
    for (const [cookieName, cookie] of Object.entries(MALFORMED_COOKIES)) {
      for (const { name, bytes } of routeRequests(host, lab.origin, cookie)) {
        const result = await expectAnsweredAndClosed(`${name}, cookie ${cookieName}`, bytes);
        if (result.status === null || result.status >= 500) failures.push(`${name}, cookie ${cookieName}: ${result.response.slice(0, 200)}`);
      }
    }
    // Malformed headers and requests: the parser's 400/431 or the route's own refusal, never a 5xx.
    for (const { name, bytes } of malformedHeaderRequests(host, lab.origin)) {
      const result = await expectAnsweredAndClosed(name, bytes);
      if (result.status !== null && result.status >= 500) failures.push(`${name}: ${result.response.slice(0, 200)}`);
    }
    // Upgrades: the expected refusal, on the terminal, the watch and any other path.
    for (const { name, bytes, status } of malformedUpgrades(host, lab.origin, validCookie)) {
      const result = await expectAnsweredAndClosed(name, bytes);
      if (result.status !== status) failures.push(`upgrade ${name}: expected ${status}, got ${result.response.slice(0, 120)}`);
    }
    // The same upgrades from half-open clients (our FIN right after the request).
    for (const { name, bytes, status } of malformedUpgrades(host, lab.origin, validCookie)) {
      const result = await expectAnsweredAndClosed(`half-open ${name}`, bytes, { halfClose: true });
      if (result.status !== status) failures.push(`half-open upgrade ${name}: expected ${status}, got ${result.response.slice(0, 120)}`);
    }
    // Garbage right after the upgrade request: refused upgrades close; an accepted terminal drops the bad frames.
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256).map((b) => b | 0xf0));
    for (const target of ["/foo", TERMINAL_PATH, WATCH_TARGET]) {
      const result = await expectAnsweredAndClosed(`garbage after ${target}`, Buffer.concat([upgradeRequest(target, { host, origin: lab.origin, cookie: "layerlab_session=%" }), garbage]));
      if (result.status === null || result.status === 101) failures.push(`garbage after ${target}: ${result.response.slice(0, 120)}`);
    }
    const accepted = await expectAnsweredAndClosed("garbage after an accepted terminal", Buffer.concat([upgradeRequest(TERMINAL_PATH, { host, origin: lab.origin, cookie: validCookie }), garbage]));
    expect(accepted.status).toBe(101);

    // Clients that never finish: half a request line, headers without their end, an upgrade never read. They go away
    // by reset (destroy) or by FIN; and a refused upgrade whose client stays open is closed by the server itself.
    const stalled: net.Socket[] = [];
    const open = (bytes: string | Buffer) =>
      new Promise<net.Socket>((resolve) => {
        const socket = net.connect({ port: lab.port, host: "127.0.0.1" }, () => {
          socket.write(bytes);
          resolve(socket);
        });
        socket.on("error", () => {});
        stalled.push(socket);
      });
    for (let i = 0; i < 10; i++) {
      await open("GET /api/hea");
      await open(`GET ${TERMINAL_PATH} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\n`);
      await open(upgradeRequest("/foo", { host, origin: lab.origin }));
      await open(upgradeRequest(TERMINAL_PATH, { host, origin: lab.origin, cookie: "layerlab_session=%" }));
    }
    stalled.forEach((socket, i) => (i % 2 ? socket.end() : socket.destroy()));

    expect(failures).toEqual([]);
    const fds = await settle(() => openFds(lab.pid), baseline);
    expect(fds, `open fds back to the baseline of ${baseline}`).toBeLessThanOrEqual(baseline);
    expect(await settle(() => closeWaitSockets(lab.pid, lab.port), 0)).toBe(0);

    const health = await rawExchange(lab.port, httpRequest("GET", "/api/health", { host }));
    expect(health.status).toBe(200);
    expect(lab.output()).not.toMatch(/uncaughtException|URIError/);
  });

  it("a refused upgrade whose client stays open is closed by the server, not left holding an fd", async () => {
    const baseline = await steadyFds(lab.pid);
    const clients: net.Socket[] = [];
    for (let i = 0; i < 20; i++) {
      const socket = net.connect({ port: lab.port, host: "127.0.0.1" });
      socket.on("error", () => {});
      socket.write(upgradeRequest(i % 2 ? "/foo" : TERMINAL_PATH, { host, origin: lab.origin, cookie: "layerlab_session=%" }));
      // Reads nothing and never ends: the server must still let go.
      socket.pause();
      clients.push(socket);
    }
    try {
      expect(await settle(() => openFds(lab.pid), baseline)).toBeLessThanOrEqual(baseline);
    } finally {
      for (const socket of clients) socket.destroy();
    }
    expect(closeWaitSockets(lab.pid, lab.port)).toBe(0);
  });

  it("a client that never finishes its request headers is closed by the server (408), upgrade or not", async () => {
    const baseline = await steadyFds(lab.pid);
    const partial = [
      "GET /api/health HTTP/1.1\r\nHost: x\r\n",
      `GET ${TERMINAL_PATH} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`,
      "GE",
    ];
    // The server's headers timeout is 10 s, checked every 2 s: 60 s is a deadline, not a measurement.
    const results = await Promise.all(partial.map((bytes) => rawExchange(lab.port, bytes, { deadlineMs: 60_000 })));
    for (const result of results) expect(result.closedByServer).toBe(true);
    expect(results[0].status).toBe(408);
    expect(await settle(() => openFds(lab.pid), baseline)).toBeLessThanOrEqual(baseline);
  });

  it("new sessions: a room of 60 behind one address gets in, the 61st is refused with 429 and Retry-After, others still get in", async () => {
    // Its own loopback address: one NAT'd room, apart from the requests of the other tests.
    const room = "127.0.0.77";
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await newSession(room)).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(60);

    // The bucket refills one session per 2 s, and on a loaded machine the 60 above can take longer than that: ten
    // more at once still find it empty, whatever the 60 took.
    const more = await Promise.all(Array.from({ length: 10 }, () => newSession(room)));
    const over = more.find((r) => r.status === 429);
    expect(more.map((r) => r.status).filter((s) => s !== 429 && s !== 201)).toEqual([]);
    expect(over, more.map((r) => r.status).join(" ")).toBeDefined();
    expect(over!.headers).toMatch(/^retry-after: [1-9]\d*$/im);
    expect(JSON.parse(over!.body)).toMatchObject({ code: "rate_limited", error: expect.stringMatching(/Too many new sessions from your network\. Wait \d+ s/) });

    expect((await newSession("127.0.0.78")).status).toBe(201);
  });
});
