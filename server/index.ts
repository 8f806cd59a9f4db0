import "server-only";
import { createServer } from "node:http";
import next from "next";
import { ConfigError, parseConfig } from "@/lib/config";
import { PEER_HEADER } from "./auth/peer-header";
import { ContentError } from "./content/course";
import { startLab } from "./lab";

/** The process shell: validate the environment, start the lab runtime, serve Next and the terminal upgrades. */
async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const app = next({ dev: config.LAYERLAB_DEV, hostname: "localhost", port: config.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer((req, res) => {
    req.headers[PEER_HEADER] = req.socket.remoteAddress ?? "unknown";
    return handle(req, res);
  });
  const lab = await startLab(config, server);
  if (config.LAYERLAB_DEV) {
    const upgrade = app.getUpgradeHandler();
    server.on("upgrade", (req, socket, head) => {
      if (!req.url?.startsWith("/ws/")) void upgrade(req, socket, head);
    });
  }

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
