import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { useTestDatabase } from "../db/test-databases.test-support";
import { createTestDriver } from "../sandbox/int-test-kit.test-support";

/**
 * /api/health against the real parts: the database (a real SQLite file, then a PostgreSQL address that
 * refuses connections), podman, the lab registry over HTTP and the data disk.
 */
const healthRoute = await import("@/app/api/health/route");
const { setRuntime } = await import("../runtime");
const { configureDatabase } = await import("../db/client");
const { HealthMonitor, labHealthChecks } = await import("./lab-health");

const { driver } = createTestDriver("health");
const config = parseConfig({ LAYERLAB_DATA_DIR: "/var/tmp" });
let database: { url: string };
let release: () => Promise<void>;

/** The route with a fresh monitor (no cached report) over the real checks. */
async function health(): Promise<{ status: number; body: { status: string; serving: boolean; parts: Record<string, { status: string; message: string }> } }> {
  const monitor = new HealthMonitor(
    labHealthChecks(config, { listSandboxes: () => driver.list(), admission: () => ({ places: 4, held: 1, pool: 0, waiting: 0, capacity: null }) }),
  );
  setRuntime({ config, health: monitor } as never);
  const response = await healthRoute.GET();
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  const db = await useTestDatabase("sqlite");
  database = db.database;
  release = db.release;
});
afterAll(() => release());

describe("the health endpoint", () => {
  it("answers 200 with every part up, each with its status and message (positive control)", async () => {
    const { status, body } = await health();
    expect(body.parts).toMatchObject({
      database: { status: "ok", message: "answers" },
      registry: { status: "ok", message: "answers" },
      sandboxRuntime: { status: "ok", message: "answers" },
      disk: { status: "ok" },
      admission: { status: "ok", message: "1 learner in 4 places, 0 warm, 0 waiting" },
    });
    expect(body.parts.disk.message).toMatch(/^\d+\.\d GB free \(reserve \d+\.\d GB\)$/);
    expect(body).toMatchObject({ status: "ok", serving: true });
    expect(status).toBe(200);
  });

  it("answers 503 naming the database when the database refuses connections", async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    configureDatabase("postgresql://layerlab@127.0.0.1:1/layerlab");
    try {
      const { status, body } = await health();
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: "down", serving: false });
      expect(body.parts.database.status).toBe("down");
      expect(body.parts.database.message).toMatch(/^the database: /);
      expect(body.parts.sandboxRuntime.status).toBe("ok");
    } finally {
      configureDatabase(database.url);
    }
    // And back once the database answers again.
    expect((await health()).status).toBe(200);
  });

  it("answers 503 while the lab is not started", async () => {
    setRuntime(undefined as never);
    const response = await healthRoute.GET();
    expect(response.status).toBe(503);
    expect((await response.json()).parts.database.message).toBe("the lab is not started (yet)");
  });
});
