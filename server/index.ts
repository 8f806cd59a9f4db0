import "server-only";
import { EventEmitter } from "node:events";
import { createServer, type Server } from "node:http";
import next from "next";
import { ConfigError, configFromEnvironment } from "@/lib/config";
import { PEER_HEADER } from "./auth/peer-header";
import { ContentError } from "./content/course";
import { serveHttp } from "./http/serve-http";
import { UpgradeRouter } from "./http/upgrade-router";
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

  // Given no server, Next's request handler adds its own `upgrade` listener to the server of the first request
  // it sees; this stand-in, which never emits, keeps the upgrade router the server's only listener.
  const nextUpgradeSink = new EventEmitter() as unknown as Server;
  const app = next({ dev: config.LAYERLAB_DEV, hostname: "localhost", port: config.PORT, httpServer: nextUpgradeSink });
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
  if (config.LAYERLAB_DEV) upgrades.route(NEXT_DEV_HMR_PATH, app.getUpgradeHandler(), { deadline: false });
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
