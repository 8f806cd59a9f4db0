import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import { Duplex } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { servableTarget } from "./serve-http";
import { parseUpgradeTarget, refuseUpgrade, UpgradeRouter, type UpgradeHandler } from "./upgrade-router";

/** A socket stand-in that records what is written to it (the router's pure decisions; the real server is in http-edge.int.test.ts). */
function fakeSocket() {
  const written: Buffer[] = [];
  const socket = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      written.push(Buffer.from(chunk));
      callback();
    },
  });
  return { socket, text: () => Buffer.concat(written).toString() };
}

const request = (url: string | undefined) => ({ url, headers: {} }) as unknown as IncomingMessage;
const flush = () => new Promise((r) => setImmediate(r));

afterEach(() => void vi.useRealTimers());

describe("upgrade targets", () => {
  it("splits path and query, exactly as sent", () => {
    const target = parseUpgradeTarget("/ws/terminal/watch?workshop=a&learner=b%zz");
    expect(target?.path).toBe("/ws/terminal/watch");
    expect(target?.query.get("workshop")).toBe("a");
    expect(target?.query.get("learner")).toBe("b%zz");
    expect(parseUpgradeTarget("//evil/ws/terminal")?.path).toBe("//evil/ws/terminal");
    expect(parseUpgradeTarget("/ws/terminal/")?.path).toBe("/ws/terminal/");
  });

  it("refuses targets that are not an origin-form path", () => {
    for (const url of [undefined, "", "*", "http://evil.example/ws/terminal", "ws/terminal", `/${"a".repeat(5000)}`]) {
      expect(parseUpgradeTarget(url), String(url)).toBeNull();
    }
  });
});

describe("upgrade router", () => {
  it("hands a registered path to its handler (positive control), answers any other path 404 and closes", async () => {
    const handler = vi.fn<UpgradeHandler>(async (_req, socket) => refuseUpgrade(socket, 401));
    const router = new UpgradeRouter().route("/ws/terminal", handler);

    const known = fakeSocket();
    router.handle(request("/ws/terminal?x=1"), known.socket, Buffer.alloc(0));
    await flush();
    expect(handler).toHaveBeenCalledOnce();
    expect(handler.mock.calls[0][3].query.get("x")).toBe("1");
    expect(known.text()).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);

    for (const url of ["/foo", "/_next/webpack-hmr", "/ws/terminal/"]) {
      const other = fakeSocket();
      router.handle(request(url), other.socket, Buffer.alloc(0));
      expect(other.text(), url).toMatch(/^HTTP\/1\.1 404 Not Found\r\nConnection: close\r\n/);
      expect(other.socket.writableEnded).toBe(true);
    }
    expect(handler).toHaveBeenCalledOnce();

    const bad = fakeSocket();
    router.handle(request("http://evil.example/ws/terminal"), bad.socket, Buffer.alloc(0));
    expect(bad.text()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it("turns a handler's throw or rejection into a 500 and a closed socket, never an exception", async () => {
    const log = vi.fn();
    const router = new UpgradeRouter({ log })
      .route("/throws", () => {
        throw new URIError("URI malformed");
      })
      .route("/rejects", async () => {
        throw new Error("database down");
      });
    for (const path of ["/throws", "/rejects"]) {
      const { socket, text } = fakeSocket();
      expect(() => router.handle(request(path), socket, Buffer.alloc(0))).not.toThrow();
      await flush();
      expect(text(), path).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
      expect(socket.writableEnded).toBe(true);
    }
    expect(log).toHaveBeenCalledTimes(2);
  });

  it("destroys a socket whose handler neither answers nor settles by the deadline; a settled one is left alone", async () => {
    vi.useFakeTimers();
    const router = new UpgradeRouter({ timeoutMs: 5_000 })
      .route("/hangs", () => new Promise<void>(() => {}))
      .route("/answers", async () => {});
    const hung = fakeSocket();
    const answered = fakeSocket();
    router.handle(request("/hangs"), hung.socket, Buffer.alloc(0));
    router.handle(request("/answers"), answered.socket, Buffer.alloc(0));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(hung.socket.destroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(2);
    expect(hung.socket.destroyed).toBe(true);
    expect(answered.socket.destroyed).toBe(false);
  });

  it("a socket error (client reset) is handled, not thrown", () => {
    const router = new UpgradeRouter().route("/ws/terminal", () => new Promise<void>(() => {}));
    const { socket } = fakeSocket();
    router.handle(request("/ws/terminal"), socket, Buffer.alloc(0));
    expect(() => socket.emit("error", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).not.toThrow();
    expect(socket.destroyed).toBe(true);
  });

  it("a refused client that never closes its end is cut off after the linger time", async () => {
    vi.useFakeTimers();
    const { socket } = fakeSocket();
    refuseUpgrade(socket, 404, 1_000);
    expect(socket.destroyed).toBe(false);
    await vi.advanceTimersByTimeAsync(1_001);
    expect(socket.destroyed).toBe(true);
  });

  it("is the server's only upgrade listener", () => {
    const server = new EventEmitter() as unknown as import("node:http").Server;
    new UpgradeRouter().attach(server);
    expect(() => new UpgradeRouter().attach(server)).toThrow(/only one/);
  });
});

describe("HTTP request targets", () => {
  it("passes origin-form and absolute-form targets to Next (positive control), refuses what Next would answer with a 500", () => {
    for (const url of ["/", "/api/chapters/layers/files?x=%zz", "/caf%C3%A9", "http://lab.test/api/health"]) expect(servableTarget(url), url).toBe(true);
    for (const url of [undefined, "", "*", "/api/chapters/%E0%A4%A/files", "/%", "ftp://x/"]) expect(servableTarget(url), String(url)).toBe(false);
  });
});
