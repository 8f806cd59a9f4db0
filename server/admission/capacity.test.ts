import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { capacityRules, describeCapacity, diskReserveBytes, labCapacity, type HostReadings } from "./capacity";

const GB = 1024 ** 3;
const rules = capacityRules(parseConfig({}));
/** This machine, roughly: 24 GB, 2 cores, 252 GB disk with 80 GB free, no sandboxes yet. */
const host: HostReadings = { memTotalMb: 24_105, cpuCount: 2, disk: { totalBytes: 252 * GB, freeBytes: 80 * GB }, sandboxDisks: { count: 0, growthBytes: 0 } };

describe("lab capacity", () => {
  it("keeps the larger of 10 % of the disk and 2 GB free by default", () => {
    expect(diskReserveBytes(252 * GB, rules)).toBe(Math.ceil(25.2 * GB));
    expect(diskReserveBytes(10 * GB, rules)).toBe(2 * GB);
  });

  it("counts each new sandbox's disk at its full size against free space above the reserve", () => {
    // 80 GB free − 25.2 GB reserve = 54.8 GB: five 10 GB disks fit, a sixth would go under the reserve.
    const c = labCapacity(host, rules, 0);
    expect(c.byDisk).toBe(5);
    expect(c.places).toBe(5);
    expect(c.limitedBy).toBe("disk");
    expect(describeCapacity(c)).toMatch(/^room for 5 sandboxes, limited by disk \(80\.0 GB free, 25\.2 GB kept in reserve/);
  });

  it("counts what existing sparse disks may still grow to, not what they hold now", () => {
    // Three sandboxes whose disks hold 1 GB each: 27 GB may still be taken from the 77 GB free.
    const three: HostReadings = { ...host, disk: { ...host.disk, freeBytes: 77 * GB }, sandboxDisks: { count: 3, growthBytes: 27 * GB } };
    const c = labCapacity(three, rules, 3);
    // 77 − 25.2 − 27 = 24.8 GB: two more.
    expect(c.byDisk).toBe(5);
    expect(c.diskCommittedBytes).toBe(27 * GB);
  });

  it("reports what kept homes take, already out of the free space (they add no second deduction)", () => {
    const withSnapshots: HostReadings = { ...host, disk: { ...host.disk, freeBytes: 70 * GB }, snapshots: { count: 20, bytes: 10 * GB } };
    const c = labCapacity(withSnapshots, rules, 0);
    // 70 − 25.2 = 44.8 GB: four disks, one fewer than with the 10 GB of snapshots still free.
    expect(c.byDisk).toBe(4);
    expect(c.snapshotBytes).toBe(10 * GB);
    expect(describeCapacity(c)).toMatch(/10\.0 GB taken by kept homes\)$/);
  });

  it("counts a sandbox whose disk is still being made at its full size", () => {
    const c = labCapacity(host, rules, 2);
    // Two sandboxes counted but no disk file yet: 20 GB promised, 34.8 GB left: three more.
    expect(c.diskCommittedBytes).toBe(20 * GB);
    expect(c.byDisk).toBe(5);
  });

  it("allows no new sandbox once free space, less what is promised, is under the reserve", () => {
    // 40 − 25.2 reserve − 8 the two disks may still take = 6.8 GB: less than one more disk.
    const full: HostReadings = { ...host, disk: { ...host.disk, freeBytes: 40 * GB }, sandboxDisks: { count: 2, growthBytes: 8 * GB } };
    const c = labCapacity(full, rules, 2);
    expect(c.byDisk).toBe(2);
    expect(c.places).toBe(2);
    // Already past the reserve (the disks grew while free space shrank): fewer places than sandboxes, so nobody new starts.
    expect(labCapacity({ ...full, disk: { ...full.disk, freeBytes: 30 * GB } }, rules, 2).places).toBe(1);
  });

  it("commits memory limits against the host's memory less its reserve, and CPU with overcommit", () => {
    const big: HostReadings = { ...host, disk: { totalBytes: 2000 * GB, freeBytes: 2000 * GB } };
    const c = labCapacity(big, rules, 0);
    // (24105 − 2048) / 2048 = 10.8; 2 cores × 8 / 1 CPU = 16.
    expect(c.byMemory).toBe(10);
    expect(c.byCpu).toBe(16);
    expect(c.places).toBe(10);
    expect(c.limitedBy).toBe("memory");
    const overcommitted = capacityRules(parseConfig({ LAYERLAB_MEMORY_OVERCOMMIT: "4" }));
    expect(labCapacity(big, overcommitted, 0)).toMatchObject({ byMemory: 43, places: 16, limitedBy: "cpu" });
  });

  it("applies LAYERLAB_MAX_SANDBOXES below what the host allows, and only then", () => {
    const one = capacityRules(parseConfig({ LAYERLAB_MAX_SANDBOXES: "1" }));
    expect(labCapacity(host, one, 0)).toMatchObject({ places: 1, limitedBy: "max" });
    const many = capacityRules(parseConfig({ LAYERLAB_MAX_SANDBOXES: "500" }));
    expect(labCapacity(host, many, 0)).toMatchObject({ places: 5, limitedBy: "disk" });
  });

  it("never reports negative places on a starved host", () => {
    const tiny: HostReadings = { memTotalMb: 1024, cpuCount: 1, disk: { totalBytes: 4 * GB, freeBytes: 1 * GB }, sandboxDisks: { count: 0, growthBytes: 0 } };
    expect(labCapacity(tiny, rules, 0)).toMatchObject({ places: 0, byMemory: 0, byDisk: 0 });
  });
});
