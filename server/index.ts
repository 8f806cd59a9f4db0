import "server-only";
import { ConfigError, configFromEnvironment, type Config } from "@/lib/config";
import { ContentError } from "./content/course";
import { createLabHttpServer } from "./http/lab-http-server";
import { startLab } from "./lab";

/** The validated configuration, or the process ends (2) with a message naming each wrong variable. */
function configOrExit(): Config {
  try {
    return configFromEnvironment();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

/** The process shell, composing only: the configuration, the HTTP server, the lab runtime, and a clean stop. */
async function main(): Promise<void> {
  const config = configOrExit();
  const { server, upgrades } = await createLabHttpServer(config);
  const lab = await startLab(config, upgrades);
  server.listen(config.PORT, config.HOST, () => console.log(`layerlab ready on http://localhost:${config.PORT}`));

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
