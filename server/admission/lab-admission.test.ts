import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { HttpError } from "@/server/auth/request-guard";
import type { HostReadings } from "./capacity";
import { createLabAdmission, SANDBOX_START_LIMIT } from "./lab-admission";

const GB = 1024 ** 3;
const host: HostReadings = { memTotalMb: 24_105, cpuCount: 2, disk: { totalBytes: 252 * GB, freeBytes: 80 * GB }, sandboxDisks: { count: 0, growthBytes: 0 } };

describe("lab admission", () => {
  it("lets a room of 60 behind one address start their sandboxes at once, then one start every 2 s", () => {
    const clock = { now: 0 };
    const admission = createLabAdmission(parseConfig({}), { readHost: async () => host, now: () => clock.now });
    const room = "203.0.113.7";
    for (let i = 0; i < 60; i++) admission.startAllowed!(room);
    // 30 to spare (people who cleared their cookies), then the limit.
    for (let i = 0; i < SANDBOX_START_LIMIT.burst - 60; i++) admission.startAllowed!(room);
    let refused: unknown;
    try {
      admission.startAllowed!(room);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(429);
    expect((refused as HttpError).message).toBe("Too many sandbox starts from your network. Wait 2 s and try again.");
    // Another address is not held up by that one.
    expect(() => admission.startAllowed!("198.51.100.1")).not.toThrow();
    clock.now += 2_000;
    expect(() => admission.startAllowed!(room)).not.toThrow();
    expect(() => admission.startAllowed!(room)).toThrow(/Too many sandbox starts/);
  });

  it("reads the host at most every 2 s however often the queue asks", async () => {
    const clock = { now: 0 };
    let reads = 0;
    const admission = createLabAdmission(parseConfig({ LAYERLAB_MAX_SANDBOXES: "3" }), {
      readHost: async () => {
        reads++;
        return host;
      },
      now: () => clock.now,
    });
    for (let i = 0; i < 50; i++) await admission.places(i % 4);
    expect(reads).toBe(1);
    expect(await admission.places(0)).toBe(3);
    expect(admission.lastCapacity()).toMatchObject({ places: 3, limitedBy: "max" });
    clock.now += 2_001;
    await admission.places(0);
    expect(reads).toBe(2);
  });
});
