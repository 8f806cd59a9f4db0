// The custom server is server code, so the `server-only` guard (which throws outside
// Next's react-server bundles) resolves to its empty module here.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
      export async function resolve(specifier, context, next) {
        if (specifier === "server-only") return next(specifier, { ...context, conditions: [...context.conditions, "react-server"] });
        return next(specifier, context);
      }
    `),
  import.meta.url,
);
await import("tsx");
