import "server-only";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { MAX_FRAME_BYTES, TERMINAL_PATH, TERMINAL_WATCH_PATH, watchQuerySchema, type WatchQuery } from "@/lib/terminal-protocol";
import { learnerFromCookieHeader } from "@/server/auth/learner-session";
import { refuseUpgrade, type UpgradeHandler, type UpgradeRouter } from "@/server/http/upgrade-router";
import type { LabRuntime } from "@/server/runtime";
import { instructorMayWatch } from "@/server/workshop/watch-access";
import { isAllowedOrigin, parseAllowedOrigins } from "./origin-policy";
import { DEFAULT_CONNECTION_OPTIONS, TerminalConnection, type ConnectionOptions } from "./terminal-connection";
import type { TerminalHub } from "./terminal-hub";
import { WatchConnection } from "./terminal-watch";

export interface TerminalGateway {
  /**
   * The upgrade handler for TERMINAL_PATH and TERMINAL_WATCH_PATH (see routeTerminals): answers the request or
   * hands its socket to a terminal, then settles. What it throws, the upgrade router answers with a 500.
   */
  upgrade: UpgradeHandler;
  /** Closes every terminal socket (clients reconnect to the next server); the shells stay in the sandboxes. */
  close(): void;
  /** What the open sockets hold: output sent but not yet shown by the browsers, and what sits in socket buffers. */
  stats(): { connections: number; unackedBytes: number; socketBufferedBytes: number };
}

export interface GatewayDeps {
  hub: TerminalHub;
  allowedOrigins: string[];
  /** The learner behind the request's session cookie, or null. */
  authenticate(req: IncomingMessage): Promise<{ id: string } | null>;
  /**
   * Whether the request comes from someone allowed to watch this learner's terminal read-only (the instructor who
   * owns the workshop the learner is in). Without it, watching is refused.
   */
  authorizeWatch?(req: IncomingMessage, query: WatchQuery): Promise<boolean>;
  connection?: Partial<ConnectionOptions>;
}

export function createTerminalGateway(deps: GatewayDeps): TerminalGateway {
  const options = { ...DEFAULT_CONNECTION_OPTIONS, ...deps.connection };
  // perMessageDeflate off: terminal output is small and latency-bound, and zlib per socket costs memory.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  const connections = new Set<TerminalConnection>();

  async function upgradeWatch(req: IncomingMessage, socket: Duplex, head: Buffer, params: URLSearchParams): Promise<void> {
    const query = watchQuerySchema.safeParse({ workshop: params.get("workshop"), learner: params.get("learner") });
    // One answer for "not signed in", "not your workshop" and "not in it": nothing about other rooms leaks.
    if (!query.success || !deps.authorizeWatch || !(await deps.authorizeWatch(req, query.data))) return refuseUpgrade(socket, 403);
    wss.handleUpgrade(req, socket, head, (ws) => {
      new WatchConnection(ws, query.data.learner, deps.hub, { maxBufferedBytes: options.watermarks.high * 8, pingEveryMs: options.pingEveryMs });
    });
  }

  return {
    async upgrade(req, socket, head, target) {
      if (!isAllowedOrigin(req.headers.origin, req.headers.host, deps.allowedOrigins)) return refuseUpgrade(socket, 403);
      if (target.path === TERMINAL_WATCH_PATH) return upgradeWatch(req, socket, head, target.query);
      const learner = await deps.authenticate(req);
      if (!learner) return refuseUpgrade(socket, 401);
      wss.handleUpgrade(req, socket, head, (ws) => {
        const connection = new TerminalConnection(ws, learner.id, deps.hub, options);
        connections.add(connection);
        ws.on("close", () => connections.delete(connection));
      });
    },
    close() {
      for (const ws of wss.clients) ws.close(1001, "server shutting down");
      wss.close();
    },
    stats() {
      let unackedBytes = 0;
      let socketBufferedBytes = 0;
      for (const connection of connections) {
        unackedBytes += connection.unackedBytes;
        socketBufferedBytes += connection.socketBufferedBytes;
      }
      return { connections: connections.size, unackedBytes, socketBufferedBytes };
    },
  };
}

/** Registers the gateway on the lab's upgrade router for the terminal and the read-only watch. */
export function routeTerminals(router: UpgradeRouter, gateway: TerminalGateway): void {
  router.route(TERMINAL_PATH, gateway.upgrade).route(TERMINAL_WATCH_PATH, gateway.upgrade);
}

/**
 * Serves the browser terminals through the lab's upgrade router: WebSocket upgrades for TERMINAL_PATH (the
 * learner's session cookie) and TERMINAL_WATCH_PATH (the owning instructor's), both behind the Origin check.
 */
export function attachTerminalGateway(router: UpgradeRouter, runtime: LabRuntime): TerminalGateway {
  const gateway = createTerminalGateway({
    hub: runtime.terminals,
    allowedOrigins: parseAllowedOrigins(runtime.config.LAYERLAB_ORIGINS),
    authenticate: (req) => learnerFromCookieHeader(req.headers.cookie),
    authorizeWatch: (req, query) => instructorMayWatch(req.headers.cookie, query),
  });
  routeTerminals(router, gateway);
  return gateway;
}
