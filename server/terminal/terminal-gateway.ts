import "server-only";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { MAX_FRAME_BYTES, TERMINAL_PATH, TERMINAL_WATCH_PATH, watchQuerySchema, type WatchQuery } from "@/lib/terminal-protocol";
import { learnerFromCookieHeader } from "@/server/auth/learner-session";
import type { LabRuntime } from "@/server/runtime";
import { instructorMayWatch } from "@/server/workshop/watch-access";
import { isAllowedOrigin, parseAllowedOrigins } from "./origin-policy";
import { DEFAULT_CONNECTION_OPTIONS, TerminalConnection, type ConnectionOptions } from "./terminal-connection";
import type { TerminalHub } from "./terminal-hub";
import { WatchConnection } from "./terminal-watch";

export interface TerminalGateway {
  /** Handles `upgrade` for TERMINAL_PATH and TERMINAL_WATCH_PATH; returns false (touching nothing) for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
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

function refuse(socket: Duplex, status: 401 | 403 | 500, text: string): void {
  if (!socket.writable) return void socket.destroy();
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

export function createTerminalGateway(deps: GatewayDeps): TerminalGateway {
  const options = { ...DEFAULT_CONNECTION_OPTIONS, ...deps.connection };
  // perMessageDeflate off: terminal output is small and latency-bound, and zlib per socket costs memory.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  const connections = new Set<TerminalConnection>();

  function upgradeWatch(req: IncomingMessage, socket: Duplex, head: Buffer, search: string): void {
    const params = new URLSearchParams(search);
    const query = watchQuerySchema.safeParse({ workshop: params.get("workshop"), learner: params.get("learner") });
    if (!query.success || !deps.authorizeWatch) return refuse(socket, 403, "Forbidden");
    deps
      .authorizeWatch(req, query.data)
      .then((allowed) => {
        // One answer for "not signed in", "not your workshop" and "not in it": nothing about other rooms leaks.
        if (!allowed) return refuse(socket, 403, "Forbidden");
        wss.handleUpgrade(req, socket, head, (ws) => {
          new WatchConnection(ws, query.data.learner, deps.hub, { maxBufferedBytes: options.watermarks.high * 8, pingEveryMs: options.pingEveryMs });
        });
      })
      .catch((error) => {
        console.error("terminal watch upgrade failed:", error);
        refuse(socket, 500, "Internal Server Error");
      });
  }

  return {
    handleUpgrade(req, socket, head) {
      const [path, search] = (req.url ?? "").split("?");
      if (path !== TERMINAL_PATH && path !== TERMINAL_WATCH_PATH) return false;
      socket.on("error", () => socket.destroy());
      if (!isAllowedOrigin(req.headers.origin, req.headers.host, deps.allowedOrigins)) {
        refuse(socket, 403, "Forbidden");
        return true;
      }
      if (path === TERMINAL_WATCH_PATH) {
        upgradeWatch(req, socket, head, search ?? "");
        return true;
      }
      deps
        .authenticate(req)
        .then((learner) => {
          if (!learner) return refuse(socket, 401, "Unauthorized");
          wss.handleUpgrade(req, socket, head, (ws) => {
            const connection = new TerminalConnection(ws, learner.id, deps.hub, options);
            connections.add(connection);
            ws.on("close", () => connections.delete(connection));
          });
        })
        .catch((error) => {
          console.error("terminal upgrade failed:", error);
          refuse(socket, 500, "Internal Server Error");
        });
      return true;
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

/**
 * Serves the browser terminals on `server`: WebSocket upgrades for TERMINAL_PATH, authenticated by the session
 * cookie and the Origin header. Other upgrade requests (Next's dev HMR) are left to their own handlers.
 */
export function attachTerminalGateway(server: Server, runtime: LabRuntime): TerminalGateway {
  const gateway = createTerminalGateway({
    hub: runtime.terminals,
    allowedOrigins: parseAllowedOrigins(runtime.config.LAYERLAB_ORIGINS),
    authenticate: (req) => learnerFromCookieHeader(req.headers.cookie),
    authorizeWatch: (req, query) => instructorMayWatch(req.headers.cookie, query),
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => gateway.handleUpgrade(req, socket, head));
  return gateway;
}
