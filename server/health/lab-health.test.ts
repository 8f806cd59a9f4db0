import { describe, expect, it } from "vitest";
import { admissionPart, diskPart, httpStatusOf } from "./health-report";
import { HealthMonitor, REGISTRY_DOWN_MEANS, type HealthChecks } from "./lab-health";

const GB = 1024 ** 3;

/** Checks that count their calls; each part up unless told otherwise. The real checks run in lab-health.int.test.ts. */
function checks(over: Partial<HealthChecks> = {}) {
  const calls = { database: 0, registry: 0, repairs: 0 };
  const c: HealthChecks = {
    database: async () => void calls.database++,
    registry: async () => void calls.registry++,
    sandboxRuntime: async () => {},
    disk: async () => ({ freeBytes: 80 * GB, reserveBytes: 25 * GB }),
    admission: () => ({ places: 5, held: 1, pool: 2, waiting: 0, capacity: null }),
    repairRegistry: async () => {
      calls.repairs++;
      return "restarted by the lab";
    },
    ...over,
  };
  return { c, calls };
}

/** The report after any round under way has finished (a poll itself answers with the last report at once). */
async function settled(monitor: HealthMonitor) {
  await monitor.report();
  await new Promise((r) => setTimeout(r, 0));
  return monitor.report();
}

describe("health report", () => {
  it("says 200 with every part up, each with a message", async () => {
    const report = await new HealthMonitor(checks().c).report();
    expect(report.status).toBe("ok");
    expect(httpStatusOf(report)).toBe(200);
    expect(Object.keys(report.parts).sort()).toEqual(["admission", "database", "disk", "registry", "sandboxRuntime"]);
    expect(report.parts.admission.message).toBe("1 learner in 5 places, 2 warm, 0 waiting");
  });

  it("says 503 and why when the database does not answer", async () => {
    const report = await new HealthMonitor(checks({ database: async () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:1")) }).c).report();
    expect(httpStatusOf(report)).toBe(503);
    expect(report.parts.database).toEqual({ status: "down", message: "the database: connect ECONNREFUSED 127.0.0.1:1" });
  });

  it("gives up on a check that hangs, instead of hanging the health endpoint", async () => {
    const report = await new HealthMonitor(checks({ sandboxRuntime: () => new Promise(() => {}) }).c).report();
    expect(report.parts.sandboxRuntime).toEqual({ status: "down", message: "podman: podman did not answer within 3 s" });
  });

  it("runs one round of checks for a storm of polls within a few seconds", async () => {
    const clock = { now: 0 };
    const { c, calls } = checks();
    const monitor = new HealthMonitor(c, () => clock.now);
    await Promise.all(Array.from({ length: 500 }, () => monitor.report()));
    clock.now += 2_000;
    await monitor.report();
    expect(calls.database).toBe(1);
    clock.now += 2_000;
    await Promise.all(Array.from({ length: 500 }, () => monitor.report()));
    expect(calls.database).toBe(2);
  });

  it("answers a poll at once with the last report while a slow round of checks runs", async () => {
    const clock = { now: 0 };
    let slow = false;
    let finish = () => {};
    const monitor = new HealthMonitor(checks({ sandboxRuntime: () => (slow ? new Promise<void>((r) => (finish = r)) : Promise.resolve()) }).c, () => clock.now);
    const first = await monitor.report();
    slow = true;
    clock.now += 4_000;
    expect(await monitor.report()).toBe(first);
    finish();
    await new Promise((r) => setTimeout(r, 0));
    expect(await monitor.report()).not.toBe(first);
  });

  it("restarts a registry that does not answer, at most once every two minutes", async () => {
    const clock = { now: 0 };
    let up = false;
    const { c, calls } = checks({ registry: async () => (up ? undefined : Promise.reject(new Error("fetch failed"))) });
    const monitor = new HealthMonitor(c, () => clock.now);
    const first = await monitor.report();
    expect(first.parts.registry.message).toBe(`the lab registry: fetch failed; ${REGISTRY_DOWN_MEANS}; the lab is restarting it`);
    expect(httpStatusOf(first)).toBe(503);
    await new Promise((r) => setTimeout(r, 0));
    clock.now += 10_000;
    expect((await settled(monitor)).parts.registry.message).toMatch(/; restarted by the lab; next try in 110 s$/);
    expect(calls.repairs).toBe(1);
    clock.now += 120_000;
    await settled(monitor);
    expect(calls.repairs).toBe(2);
    await new Promise((r) => setTimeout(r, 0));
    up = true;
    clock.now += 10_000;
    const back = await settled(monitor);
    expect(back.parts.registry).toEqual({ status: "ok", message: "answers (restarted by the lab)" });
    expect(httpStatusOf(back)).toBe(200);
  });

  it("says what to run when the lab cannot bring its registry back", async () => {
    const clock = { now: 0 };
    const { c } = checks({
      registry: async () => Promise.reject(new Error("fetch failed")),
      repairRegistry: async () => Promise.reject(new Error("run: bash scripts/images/build-all.sh registry (podman start said: container state improper)")),
    });
    const monitor = new HealthMonitor(c, () => clock.now);
    await monitor.report();
    await new Promise((r) => setTimeout(r, 0));
    clock.now += 10_000;
    expect((await settled(monitor)).parts.registry.message).toBe(
      `the lab registry: fetch failed; ${REGISTRY_DOWN_MEANS}; the lab could not bring it back; run: bash scripts/images/build-all.sh registry (podman start said: container state improper); next try in 110 s`,
    );
  });

  it("rates disk under the reserve as down, and a full lab with learners in line as serving but degraded", () => {
    expect(diskPart(1 * GB, 2 * GB).status).toBe("down");
    expect(diskPart(3 * GB, 2 * GB).status).toBe("ok");
    expect(admissionPart({ places: 1, held: 1, pool: 0, waiting: 3 })).toEqual({ status: "degraded", message: "the lab is full: 1 learner in 1 place, 0 warm, 3 waiting" });
    expect(admissionPart({ places: 0, held: 0, pool: 0, waiting: 0 }).status).toBe("down");
  });
});
