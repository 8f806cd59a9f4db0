import { defineConfig } from "vitest/config";
import path from "node:path";

const alias = {
  "@": path.resolve(import.meta.dirname),
  // The custom server and the tests are server code already; the guard matters only for Next's bundles.
  "server-only": path.resolve(import.meta.dirname, "node_modules/server-only/empty.js"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["{lib,server,components,app,scripts}/**/*.test.ts"], exclude: ["**/*.int.test.ts", "node_modules/**"] },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["{lib,server,scripts}/**/*.int.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          // Real sandboxes on a 2-core machine: one file at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
