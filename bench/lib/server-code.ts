import { register } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * Lets a benchmark load server modules outside Next: their `import "server-only"` guard throws
 * unless it resolves to the package's empty module, as Next's server bundles and vitest arrange.
 * Import this first, then the server modules with dynamic import().
 */
const empty = pathToFileURL(path.resolve(import.meta.dirname, "../../node_modules/server-only/empty.js")).href;
register(
  "data:text/javascript," +
    encodeURIComponent(
      `export async function resolve(specifier, context, next) {
        if (specifier === "server-only") return { url: ${JSON.stringify(empty)}, shortCircuit: true };
        return next(specifier, context);
      }`,
    ),
  import.meta.url,
);
