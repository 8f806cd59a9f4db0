import "server-only";
import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import next from "next";
import type { Config } from "@/lib/config";
import { PEER_HEADER } from "../auth/peer-header";
import { serveHttp } from "./serve-http";
import { refuseUpgrade, UpgradeRouter } from "./upgrade-router";

const HEADERS_TIMEOUT_MS = 10_000;

/** Next's own upgrade path in dev mode (hot reload); outside dev, an upgrade there is a 404 like any other. */
const NEXT_DEV_HMR_PATH = "/_next/hmr";

/**
 * The lab's one HTTP server: Next's pages and routes behind the edge (serveHttp), and one upgrade router that every
 * WebSocket path is added to (the terminal gateway adds its own when the lab starts). Not listening yet.
 */
export async function createLabHttpServer(config: Config): Promise<{ server: Server; upgrades: UpgradeRouter }> {
  // Next's request handler adds its own `upgrade` listener to the `httpServer` it is given (else to the server of the
  // first request it sees). It gets this stand-in, so the upgrade router stays the real server's only listener and
  // hands Next nothing but its dev HMR path.
  const nextUpgrades = new EventEmitter();
  const app = next({ dev: config.LAYERLAB_DEV, hostname: "localhost", port: config.PORT, httpServer: nextUpgrades as unknown as Server });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer(
    // A client that never finishes its request headers (a slowloris, a half-open socket) is answered 408 and closed
    // within HEADERS_TIMEOUT_MS plus one check interval, whether it asks for an upgrade or not.
    { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 2_000 },
    serveHttp((req, res) => {
      req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "unknown";
      return handle(req, res);
    }),
  );
  const upgrades = new UpgradeRouter().attach(server);
  if (config.LAYERLAB_DEV) {
    upgrades.route(
      NEXT_DEV_HMR_PATH,
      (req, socket, head) => {
        // Next attaches its listener at its first request; a page is always loaded before its HMR socket.
        if (!nextUpgrades.emit("upgrade", req, socket, head)) refuseUpgrade(socket, 503);
      },
      { deadline: false },
    );
  }
  return { server, upgrades };
}
