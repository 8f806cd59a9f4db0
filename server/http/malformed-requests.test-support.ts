import { TERMINAL_PATH, TERMINAL_WATCH_PATH } from "@/lib/terminal-protocol";
import { httpRequest, upgradeRequest } from "./lab-server.test-support";

/**
 * Malformed requests of many kinds, for the edge's integration test and bench/abuse.bench.ts: cookies, headers,
 * request lines and upgrade requests a hostile or broken client sends.
 */

export interface Probe {
  name: string;
  bytes: Buffer;
}

export const WORKSHOP = "6f1c7c3e-2b1a-4f5e-9d7a-0c1b2a3d4e5f";
export const WATCH_TARGET = `${TERMINAL_WATCH_PATH}?workshop=${WORKSHOP}&learner=${WORKSHOP}`;

/** Bytes as a header value: each char one byte (see httpRequest). */
const utf8Bytes = (text: string) => Buffer.from(text, "utf8").toString("latin1");

export const MALFORMED_COOKIES: Record<string, string | string[]> = {
  "bad percent-encoding": "layerlab_session=%",
  "bad percent in both cookies": "layerlab_session=%E0%A4%A; layerlab_instructor=%zz",
  huge: `layerlab_session=${"A".repeat(7000)}`,
  many: Array.from({ length: 400 }, (_, i) => `c${i}=v${i}`).join("; ") + "; layerlab_session=%",
  "non-ASCII": utf8Bytes("layerlab_session=é☃%; layerlab_instructor=ü"),
  "duplicate names": "layerlab_session=%; layerlab_session=also-wrong; layerlab_instructor=%; layerlab_instructor=x",
  "duplicate Cookie headers": ["layerlab_session=%", "layerlab_session=%%"],
  "no name, no value": "=; ;;=%; layerlab_session",
  quoted: 'layerlab_session="%"',
};

/** One request per route family: pages, learner API, sandbox API, instructor API, join, events, health. */
export function routeRequests(host: string, origin: string, cookie: string | string[]): Probe[] {
  const h = { host, cookie, origin };
  const json = (body: unknown) => JSON.stringify(body);
  return [
    { name: "GET /", bytes: httpRequest("GET", "/", h) },
    { name: "GET /chapters/layers", bytes: httpRequest("GET", "/chapters/layers", h) },
    { name: "GET /drills", bytes: httpRequest("GET", "/drills", h) },
    { name: "GET /instructor", bytes: httpRequest("GET", "/instructor", h) },
    { name: "GET /api/health", bytes: httpRequest("GET", "/api/health", h) },
    { name: "GET /api/events", bytes: httpRequest("GET", "/api/events", h) },
    { name: "POST /api/session (bad body)", bytes: httpRequest("POST", "/api/session", h, json({ displayName: "" })) },
    { name: "DELETE /api/session", bytes: httpRequest("DELETE", "/api/session", h) },
    { name: "POST /api/join", bytes: httpRequest("POST", "/api/join", h, json({ code: "%%%" })) },
    { name: "GET /api/drills/leaderboard", bytes: httpRequest("GET", "/api/drills/leaderboard?drill=run-typo", h) },
    { name: "POST /api/drills/run-typo/start", bytes: httpRequest("POST", "/api/drills/run-typo/start", h, "{}") },
    { name: "GET /api/chapters/layers/files", bytes: httpRequest("GET", "/api/chapters/layers/files", h) },
    { name: "POST /api/chapters/layers/start", bytes: httpRequest("POST", "/api/chapters/layers/start", h, "{}") },
    { name: "POST .../steps/fat/hint", bytes: httpRequest("POST", "/api/chapters/layers/steps/fat/hint", h, "{}") },
    { name: "GET /api/instructor/workshops", bytes: httpRequest("GET", "/api/instructor/workshops", h) },
    { name: "DELETE /api/instructor/session", bytes: httpRequest("DELETE", "/api/instructor/session", h) },
    { name: "GET .../workshops/ID/room", bytes: httpRequest("GET", `/api/instructor/workshops/${WORKSHOP}/room`, h) },
  ];
}

/** Malformed requests that are not about cookies: the parser's own refusals, bad Origin and Host, odd targets. */
export function malformedHeaderRequests(host: string, origin: string): Probe[] {
  return [
    { name: "bad Origin on a POST", bytes: httpRequest("POST", "/api/session", { host, origin: "http://[::1" }, '{"displayName":"x"}') },
    { name: "Origin null on a POST", bytes: httpRequest("POST", "/api/join", { host, origin: "null" }, "{}") },
    { name: "no Host", bytes: Buffer.from("GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n") },
    { name: "two Hosts", bytes: httpRequest("GET", "/", { host: [host, "evil.example"], origin }) },
    { name: "Host with a space", bytes: httpRequest("GET", "/api/drills/leaderboard", { host: "a b", origin }) },
    { name: "header without colon", bytes: Buffer.from(`GET / HTTP/1.1\r\nHost: ${host}\r\nthis is not a header\r\n\r\n`) },
    { name: "header over 16 KiB", bytes: httpRequest("GET", "/", { host, "x-big": "x".repeat(20_000) }) },
    { name: "bad method", bytes: Buffer.from(`G@T / HTTP/1.1\r\nHost: ${host}\r\n\r\n`) },
    { name: "binary request line", bytes: Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 13, 10, 13, 10]) },
    { name: "content-length lies", bytes: Buffer.from(`POST /api/session HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nContent-Type: application/json\r\nContent-Length: 5\r\nContent-Length: 9\r\n\r\n{}`) },
    { name: "bad chunked body", bytes: Buffer.from(`POST /api/join HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnope\r\n`) },
    { name: "JSON that is not JSON", bytes: httpRequest("POST", "/api/session", { host, origin }, "{not json") },
    { name: "bad percent in the path", bytes: httpRequest("GET", "/api/chapters/%E0%A4%A/files", { host, origin }) },
    { name: "absolute-form target", bytes: httpRequest("GET", "http://evil.example/api/health", { host }) },
    { name: "asterisk target", bytes: Buffer.from(`OPTIONS * HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`) },
  ];
}

/** Upgrade requests that must each be refused (never 101): both terminal paths and unknown ones. */
/** Each with the status it must be refused with (`validCookie` is a real session, refused for its Origin). */
export function malformedUpgrades(host: string, origin: string, validCookie: string): (Probe & { status: number })[] {
  const list: (Probe & { status: number })[] = [];
  for (const [name, cookie] of Object.entries(MALFORMED_COOKIES)) {
    list.push({ name: `terminal, cookie ${name}`, bytes: upgradeRequest(TERMINAL_PATH, { host, origin, cookie }), status: 401 });
    list.push({ name: `watch, cookie ${name}`, bytes: upgradeRequest(WATCH_TARGET, { host, origin, cookie }), status: 403 });
  }
  list.push(
    { name: "terminal, foreign Origin", bytes: upgradeRequest(TERMINAL_PATH, { host, origin: "http://evil.example", cookie: validCookie }), status: 403 },
    { name: "terminal, bad Origin", bytes: upgradeRequest(TERMINAL_PATH, { host, origin: "http://[::1", cookie: validCookie }), status: 403 },
    { name: "terminal, no Origin", bytes: upgradeRequest(TERMINAL_PATH, { host, cookie: validCookie }), status: 403 },
    { name: "watch, bad query", bytes: upgradeRequest(`${TERMINAL_WATCH_PATH}?workshop=%zz&learner=`, { host, origin }), status: 403 },
    { name: "watch, no query", bytes: upgradeRequest(TERMINAL_WATCH_PATH, { host, origin }), status: 403 },
    { name: "unknown path /foo", bytes: upgradeRequest("/foo", { host, origin }), status: 404 },
    { name: "Next's HMR outside dev", bytes: upgradeRequest("/_next/hmr", { host, origin }), status: 404 },
    { name: "old HMR path", bytes: upgradeRequest("/_next/webpack-hmr", { host, origin }), status: 404 },
    { name: "an HTTP route", bytes: upgradeRequest("/api/health", { host, origin }), status: 404 },
    { name: "terminal path with a trailing slash", bytes: upgradeRequest(`${TERMINAL_PATH}/`, { host, origin }), status: 404 },
    { name: "terminal path behind //", bytes: upgradeRequest(`//evil${TERMINAL_PATH}`, { host, origin }), status: 404 },
    { name: "absolute-form target", bytes: upgradeRequest(`http://evil.example${TERMINAL_PATH}`, { host, origin }), status: 400 },
    { name: "upgrade to h2c", bytes: httpRequest("GET", "/foo", { host, connection: "Upgrade", upgrade: "h2c" }), status: 404 },
  );
  return list;
}

