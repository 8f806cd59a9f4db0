import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { createPodmanDriver } from "../sandbox/podman-driver";

const IMAGE = process.env.LAYERLAB_SANDBOX_IMAGE ?? "localhost/layerlab/sandbox:latest";
const DEFAULT_REGISTRY = "10.231.7.2:5000";
// Another lab registry address, on this machine's sandbox network (the gateway); the test sends it nothing.
const OTHER_REGISTRY = "10.231.7.1:5999";

/** Podman's registries as `podman info` reports them, in a sandbox made by the driver for REGISTRY. */
async function podmanRegistries(registry: string): Promise<Record<string, { Location?: string; Insecure?: boolean }>> {
  const diskDir = mkdtempSync("/var/tmp/layerlab-test-podman-registry-");
  const driver = createPodmanDriver({ image: IMAGE, network: process.env.LAYERLAB_NETWORK ?? "layerlab", registry, diskDir, instance: "test-podman-registry" });
  const { id } = await driver.create({ labels: { "layerlab.test": "podman-registry" }, limits: { memoryMb: 1024, cpus: 1, pids: 1024, diskMb: 2048 } });
  try {
    const started = await driver.exec(id, ["layerlab-docker-start"], { user: "root", timeoutMs: 90_000 });
    expect(started.exitCode, started.stderr).toBe(0);
    const info = await driver.exec(id, ["podman", "info", "--format", "json"], { user: "learner", timeoutMs: 60_000 });
    expect(info.exitCode, info.stderr).toBe(0);
    return JSON.parse(info.stdout).registries;
  } finally {
    await driver.destroy(id);
    rmSync(diskDir, { recursive: true, force: true });
  }
}

describe("podman's registries follow the lab registry's address", () => {
  beforeAll(() => {
    execFileSync("podman", ["image", "exists", IMAGE]);
  });

  it("sends docker.io to the default lab registry, over http", async () => {
    const registries = await podmanRegistries(DEFAULT_REGISTRY);
    expect(registries["docker.io"]).toMatchObject({ Location: DEFAULT_REGISTRY, Insecure: true });
    expect(registries[DEFAULT_REGISTRY]).toMatchObject({ Insecure: true });
  }, 240_000);

  it("sends docker.io to another lab registry address when the lab is configured with one", async () => {
    const registries = await podmanRegistries(OTHER_REGISTRY);
    expect(registries["docker.io"]).toMatchObject({ Location: OTHER_REGISTRY, Insecure: true });
    expect(registries[OTHER_REGISTRY]).toMatchObject({ Insecure: true });
  }, 240_000);
});
