// Seeds the shared base-image store (server/sandbox/base-store.ts) when the course's base images or the
// sandbox image changed; seconds when nothing did. Run by scripts/setup.sh after build-all.sh:
//   node --import ./server/register.mjs scripts/images/base-store.ts
import { parseConfig } from "../../lib/config";
import { baseStoreOf } from "../../server/sandbox/base-store";
import { seedBaseStore } from "../../server/sandbox/base-store-seed";

const config = parseConfig(process.env);
const root = baseStoreOf(config);
if (!root) {
  console.log("base-image store: off (LAYERLAB_BASE_STORE=off)");
} else {
  const started = Date.now();
  const { version, seeded } = await seedBaseStore({
    root,
    sandboxImage: config.LAYERLAB_SANDBOX_IMAGE,
    network: config.LAYERLAB_NETWORK,
    registry: config.LAYERLAB_REGISTRY,
    log: (line) => console.log(`base-image store: ${line}`),
  });
  console.log(`base-image store: version ${version} in ${root} ${seeded ? "seeded" : "up to date"} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
