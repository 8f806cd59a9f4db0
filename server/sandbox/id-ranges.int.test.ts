import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHostCommand } from "./host-command";
import { asLearner, cleanUpInOrder, createTestDriver, requireSandboxImage, testConfig, testLimits } from "./int-test-kit.test-support";

/**
 * A free hole smaller than a sandbox's 200000 ids, below every other free range: podman 4.3's --userns=auto splits a
 * new container's ids over it and the container cannot start; the lab's own pick skips it.
 */
const { driver, cleanup } = createTestDriver("id-ranges");
const HOLDER = "layerlab-test-id-hole-holder";
const AUTO = "layerlab-test-id-hole-auto";

async function uidMap(container: string): Promise<string[]> {
  const out = await runHostCommand("podman", ["inspect", "--format", "{{json .HostConfig.IDMappings}}", container]);
  expect(out.exitCode, out.stderr).toBe(0);
  return (JSON.parse(out.stdout.toString("utf8")) as { UidMap: string[] }).UidMap;
}

const removeTestContainers = () => runHostCommand("podman", ["rm", "--force", "--time", "0", "--ignore", HOLDER, AUTO]);

beforeAll(async () => {
  await requireSandboxImage();
  await removeTestContainers();
});

afterAll(() => cleanUpInOrder(removeTestContainers, cleanup));

describe("host id ranges of sandboxes", () => {
  it("a sandbox gets one contiguous range though a smaller hole lies below, where podman's own pick splits and cannot start", async () => {
    // The lowest free range, found by making a sandbox there, then freed.
    const first = await driver.create({ labels: {}, limits: testLimits });
    const [, low] = (await uidMap(first.id))[0].split(":").map(Number);
    await driver.destroy(first.id);
    // A container holding the upper half of it leaves a hole of 100000 ids.
    const holder = await runHostCommand("podman", ["create", "--name", HOLDER, "--uidmap", `0:${low + 100_000}:200000`, "--gidmap", `0:${low + 100_000}:200000`, testConfig.LAYERLAB_SANDBOX_IMAGE, "true"]);
    expect(holder.exitCode, holder.stderr).toBe(0);

    // The fault is real: podman's --userns=auto fills the hole and takes the rest elsewhere, and that container's
    // overlay root cannot be mounted.
    const auto = await runHostCommand("podman", ["create", "--name", AUTO, "--userns=auto:size=200000", testConfig.LAYERLAB_SANDBOX_IMAGE, "true"]);
    expect(auto.exitCode, auto.stderr).toBe(0);
    const split = await uidMap(AUTO);
    expect(split.length).toBe(2);
    expect(split[0]).toBe(`0:${low}:100000`);
    const started = await runHostCommand("podman", ["start", AUTO]);
    expect(started.exitCode).not.toBe(0);
    expect(started.stderr).toMatch(/permission denied/);
    await runHostCommand("podman", ["rm", "--force", "--time", "0", AUTO]);

    // The lab's sandbox: one range of 200000 ids clear of the holder, and it works.
    const sandbox = await driver.create({ labels: {}, limits: testLimits });
    const map = await uidMap(sandbox.id);
    expect(map.length).toBe(1);
    const [, host, count] = map[0].split(":").map(Number);
    expect(count).toBe(200_000);
    expect(host + count <= low + 100_000 || host >= low + 300_000).toBe(true);
    expect((await asLearner(driver, sandbox.id, "id -u && touch ~/x && stat -c %U ~/x")).stdout).toBe("1000\nlearner\n");
  }, 300_000);

  it("sandboxes made at once get ranges that do not overlap", async () => {
    const made = await Promise.all([0, 1, 2].map(() => driver.create({ labels: {}, limits: testLimits })));
    const ranges = await Promise.all(made.map(async (s) => (await uidMap(s.id)).map((m) => m.split(":").map(Number))));
    const spans = ranges.flat().map(([, host, count]) => [host, host + count]);
    expect(spans).toHaveLength(3);
    for (const [i, [a, b]] of spans.entries()) for (const [c, d] of spans.slice(i + 1)) expect(b <= c || d <= a).toBe(true);
    await Promise.all(made.map((s) => driver.destroy(s.id)));
  }, 300_000);
});
