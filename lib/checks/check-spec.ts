import { z } from "zod";
import { bakeSpecs } from "./bake-file";
import { buildSpecs } from "./build";
import { builderSpecs } from "./builders";
import { cacheImportSpecs } from "./cache-import";
import { exportedFileSpecs } from "./exported-files";
import { containerHealthSpecs } from "./container-health";
import { containerSpecs } from "./containers";
import { dockerfileSpecs } from "./dockerfile-rules";
import { httpSpecs } from "./http-probe";
import { imageConfigSpecs } from "./image-config";
import { imageLayerSpecs } from "./image-layers";
import { imageSecretSpecs } from "./image-secret";
import { layerFileSpecs } from "./layer-files";
import { podmanImageSpecs } from "./podman-image";
import { projectScriptSpecs } from "./project-script";
import { registrySpecs } from "./registry-manifest";
import { runningHealthSpecs } from "./running-health";
import { fileSpecs } from "./sandbox-file";

/** Every kind of check a chapter may name, as content writes it (`kind:` picks the schema). */
export const checkSpecSchema = z.discriminatedUnion("kind", [
  ...imageConfigSpecs,
  ...imageLayerSpecs,
  ...layerFileSpecs,
  ...buildSpecs,
  ...bakeSpecs,
  ...containerSpecs,
  ...httpSpecs,
  ...registrySpecs,
  ...fileSpecs,
  ...dockerfileSpecs,
  ...cacheImportSpecs,
  ...exportedFileSpecs,
  ...builderSpecs,
  ...imageSecretSpecs,
  ...runningHealthSpecs,
  ...containerHealthSpecs,
  ...projectScriptSpecs,
  ...podmanImageSpecs,
]);

/** A validated check, defaults filled in. Plain data: pages may hand it to client components. */
export type CheckSpec = z.infer<typeof checkSpecSchema>;
export type CheckKind = CheckSpec["kind"];
