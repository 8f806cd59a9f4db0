import "server-only";
import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import next from "next";
import { ConfigError, configFromEnvironment } from "@/lib/config";
import { PEER_HEADER } from "./auth/peer-header";
import { ContentError } from "./content/course";
import { serveHttp } from "./http/serve-http";
import { refuseUpgrade, UpgradeRouter } from "./http/upgrade-router";
import { startLab } from "./lab";

const HEADERS_TIMEOUT_MS = 10_000;

/** Next's own upgrade path in dev mode (hot reload); outside dev, an upgrade there is a 404 like any other. */
const NEXT_DEV_HMR_PATH = "/_next/hmr";

/** The process shell: validate the environment, start the lab runtime, serve Next and the upgrades through one router. */
async function main(): Promise<void> {
  let config;
  try {
    config = configFromEnvironment();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

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
  const lab = await startLab(config, upgrades);

  server.listen(config.PORT, config.HOST, () => {
    console.log(`layerlab ready on http://localhost:${config.PORT}`);
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`layerlab: ${signal}, shutting down (sandboxes keep running and are found again at the next start)`);
    server.close();
    await lab.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error) => {
  if (error instanceof ContentError) {
    console.error(`layerlab cannot start: a chapter file is broken.\n${error.message}`);
    process.exit(2);
  }
  console.error("layerlab failed to start:", error);
  process.exit(1);
});
