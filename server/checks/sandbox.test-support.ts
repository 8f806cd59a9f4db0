import "server-only";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { SandboxDriver } from "../sandbox/driver";
import { parseConfig } from "@/lib/config";
import { baseStoreOf } from "../sandbox/base-store";
import { createPodmanDriver } from "../sandbox/podman-driver";
import { CheckChannels, type SandboxExec } from "./sandbox-exec";

/** A real sandbox for the checks' integration tests, made by the lab's own podman driver, reached the way the lab reaches it. */
export interface TestSandbox extends SandboxExec {
  driver: SandboxDriver;
  id: string;
  /** The driver's disk directory: the sandbox's home is mounted at DISKDIR/ID on the host. */
  diskDir: string;
  /** The check channels the sandbox's exec and engine go through. */
  channels: CheckChannels;
  destroy(): Promise<void>;
}

const IMAGE = process.env.LAYERLAB_SANDBOX_IMAGE ?? "localhost/layerlab/sandbox:latest";

export async function createTestSandbox(opts: { maxBytes?: number } = {}): Promise<TestSandbox> {
  try {
    execFileSync("podman", ["image", "exists", IMAGE]);
  } catch {
    throw new Error(`The sandbox image ${IMAGE} is missing; build it with npm run images.`);
  }
  const diskDir = mkdtempSync("/var/tmp/layerlab-test-checks-");
  const driver = createPodmanDriver({
    image: IMAGE,
    network: process.env.LAYERLAB_NETWORK ?? "layerlab",
    registry: process.env.LAYERLAB_REGISTRY ?? "10.231.7.2:5000",
    diskDir,
    instance: "test-checks",
    // As the lab makes them: the course's base images already there (LAYERLAB_BASE_STORE=off makes them pull).
    baseStore: baseStoreOf(parseConfig(process.env)),
  });
  // Room for the Go toolchain image and a few builds on top of it.
  const { id } = await driver.create({ labels: { "layerlab.test": "checks" }, limits: { memoryMb: 3072, cpus: 2, pids: 4096, diskMb: 12_288 } });
  const channels = new CheckChannels({ diskDir, maxBytes: opts.maxBytes });
  const destroy = async () => {
    channels.closeAll();
    await driver.destroy(id);
    rmSync(diskDir, { recursive: true, force: true });
  };
  // The image's init starts Docker in the background; this waits for it.
  const started = await driver.exec(id, ["layerlab-docker-start"], { user: "root", timeoutMs: 90_000 });
  if (started.exitCode !== 0) {
    await destroy();
    throw new Error(`Docker did not start in the test sandbox: ${started.stderr}`);
  }
  return { ...channels.for(id), driver, id, diskDir, channels, destroy };
}
