import "server-only";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { MAX_FRAME_BYTES, TERMINAL_PATH } from "@/lib/terminal-protocol";
import { learnerFromCookieHeader } from "@/server/auth/learner-session";
import type { LabRuntime } from "@/server/runtime";
import { isAllowedOrigin, parseAllowedOrigins } from "./origin-policy";
import { DEFAULT_CONNECTION_OPTIONS, TerminalConnection, type ConnectionOptions } from "./terminal-connection";
import type { TerminalHub } from "./terminal-hub";

export interface TerminalGateway {
  /** Handles `upgrade` for TERMINAL_PATH; returns false (touching nothing) for any other path. */
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

  return {
    handleUpgrade(req, socket, head) {
      const path = (req.url ?? "").split("?")[0];
      if (path !== TERMINAL_PATH) return false;
      socket.on("error", () => socket.destroy());
      if (!isAllowedOrigin(req.headers.origin, req.headers.host, deps.allowedOrigins)) {
        refuse(socket, 403, "Forbidden");
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
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => gateway.handleUpgrade(req, socket, head));
  return gateway;
}
