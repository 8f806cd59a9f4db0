import "server-only";
import { STATUS_CODES, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";

/**
 * The one `upgrade` listener of the lab's HTTP server. After Node emits `upgrade`, the socket belongs to whoever
 * listens: nothing answers it, times it out or closes it unless the listener does. So every upgrade request,
 * whatever its path, headers or timing, is answered here or by a registered handler, or destroyed; nothing a
 * handler throws or rejects escapes (it ends in a 500 and a closed socket, never an uncaughtException).
 */

/** Where the request is going: the path as sent (no normalisation, so `//x/ws/terminal` is not `/ws/terminal`). */
export interface UpgradeTarget {
  path: string;
  query: URLSearchParams;
}

/**
 * Answers the upgrade (refuseUpgrade) or hands the socket to a WebSocket server, and settles once it has done
 * one of the two. A handler that neither answers nor settles within the router's deadline loses the socket.
 */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, target: UpgradeTarget) => void | Promise<void>;

export interface RouteOptions {
  /**
   * False for a handler whose promise lasts as long as the connection (Next's dev HMR proxy): it is trusted to
   * close its socket, and no deadline applies.
   */
  deadline?: boolean;
}

export interface UpgradeRouterOptions {
  /** How long a handler may take to answer or hand the socket over (a slow or half-open handshake is destroyed). */
  timeoutMs?: number;
  /** How long a refused client may keep its end open after the answer, before the socket is destroyed. */
  lingerMs?: number;
  log?: (message: string, error: unknown) => void;
}

export const UPGRADE_TIMEOUT_MS = 10_000;
const LINGER_MS = 2_000;
/** Longest request target considered; anything longer is answered 414 without a lookup. */
const MAX_TARGET_LENGTH = 4096;

/**
 * Answers an upgrade request with a plain HTTP status and closes the connection. The socket keeps being read (and
 * what arrives is dropped) so the client's FIN is seen and the socket is freed: a socket nobody reads after
 * `upgrade` never sees its end and sits in CLOSE-WAIT, holding an fd. A client that never closes its end is cut
 * off after `lingerMs`.
 */
export function refuseUpgrade(socket: Duplex, status: number, lingerMs = LINGER_MS): void {
  if (socket.destroyed) return;
  if (!socket.writable) return void socket.destroy();
  const text = STATUS_CODES[status] ?? "Error";
  socket.resume();
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

/** The request target split into path and query, or null when it is not an origin-form target this lab serves. */
export function parseUpgradeTarget(url: string | undefined): UpgradeTarget | null {
  if (!url || url.length > MAX_TARGET_LENGTH || !url.startsWith("/")) return null;
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  // URLSearchParams never throws: a stray % stays as it is.
  return { path, query: new URLSearchParams(q < 0 ? "" : url.slice(q + 1)) };
}

export class UpgradeRouter {
  private readonly routes = new Map<string, { handler: UpgradeHandler; deadline: boolean }>();
  private readonly timeoutMs: number;
  private readonly lingerMs: number;
  private readonly log: (message: string, error: unknown) => void;

  constructor(options: UpgradeRouterOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? UPGRADE_TIMEOUT_MS;
    this.lingerMs = options.lingerMs ?? LINGER_MS;
    this.log = options.log ?? ((message, error) => console.error(message, error));
  }

  /** Serves upgrades to exactly this path (the query is the handler's business). */
  route(path: string, handler: UpgradeHandler, options: RouteOptions = {}): this {
    if (this.routes.has(path)) throw new Error(`an upgrade handler for ${path} is already registered`);
    this.routes.set(path, { handler, deadline: options.deadline ?? true });
    return this;
  }

  /** Installs the router as the server's only `upgrade` listener. */
  attach(server: Server): this {
    if (server.listenerCount("upgrade") > 0) throw new Error("the server already has an upgrade listener; the router must be the only one");
    server.on("upgrade", this.handle);
    return this;
  }

  /** The `upgrade` listener. Never throws, whatever the request. */
  readonly handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A client reset is routine, never a crash: without a listener, 'error' on this socket would be thrown.
    socket.on("error", () => socket.destroy());
    try {
      const target = parseUpgradeTarget(req.url);
      if (!target) return refuseUpgrade(socket, 400, this.lingerMs);
      const route = this.routes.get(target.path);
      if (!route) return refuseUpgrade(socket, 404, this.lingerMs);
      this.run(route.handler, route.deadline, req, socket, head, target);
    } catch (error) {
      this.fail(socket, error);
    }
  };

  private run(handler: UpgradeHandler, deadline: boolean, req: IncomingMessage, socket: Duplex, head: Buffer, target: UpgradeTarget): void {
    const timer = deadline ? setTimeout(() => socket.destroy(), this.timeoutMs) : undefined;
    timer?.unref();
    const settled = () => clearTimeout(timer);
    socket.once("close", settled);
    Promise.resolve()
      .then(() => handler(req, socket, head, target))
      .then(settled, (error: unknown) => {
        settled();
        this.fail(socket, error);
      });
  }

  private fail(socket: Duplex, error: unknown): void {
    try {
      this.log("upgrade request failed:", error);
    } finally {
      refuseUpgrade(socket, 500, this.lingerMs);
    }
  }
}
