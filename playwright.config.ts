import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "e2e",
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  use: {
    baseURL: `http://localhost:${port}`,
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: "node --import ./server/register.mjs server/index.ts",
    url: `http://localhost:${port}/api/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      LAYERLAB_INSTANCE: "e2e",
      LAYERLAB_DATA_DIR: ".data/e2e",
      DATABASE_URL: "file:.data/e2e/layerlab.db",
      LAYERLAB_POOL_SIZE: "1",
      // The specs' learners (about 35) keep their sandboxes for the whole run, and admission control counts every
      // sandbox's disk at its full size, memory and CPU at their limits: 2 GB disks (chapter 01's node:18 build takes
      // about 1.2 GB) and overcommit give room for about 30 on a 2-core test machine with 70 GB free.
      LAYERLAB_SANDBOX_DISK_MB: "2048",
      LAYERLAB_DISK_RESERVE_PCT: "1",
      LAYERLAB_DISK_RESERVE_MB: "1024",
      LAYERLAB_MEMORY_OVERCOMMIT: "4",
      LAYERLAB_CPU_OVERCOMMIT: "40",
      // The specs' workshops have 30 seats and few learners: warming them would fill the places above with idle
      // sandboxes. Warming has its own test (server/workshop/room-warmer.int.test.ts).
      LAYERLAB_WARM_SEATS: "0",
    },
  },
});
