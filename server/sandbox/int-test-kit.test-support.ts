import "server-only";
import { randomBytes } from "node:crypto";
import { parseConfig, type Config } from "@/lib/config";
import type { ExecResult, SandboxDriver, SandboxLimits } from "./driver";
import { runHostCommand } from "./host-command";
import { createPodmanDriver } from "./podman-driver";

/**
 * What the sandbox integration tests share: a driver of their own lab instance (so they never see,
 * adopt or destroy anyone else's sandboxes), limits from the configuration, and cleanup.
 */
export const testConfig: Config = parseConfig(process.env);

export const TEST_DISK_DIR = "/var/tmp/layerlab-test-disks";

export const testLimits: SandboxLimits = {
  memoryMb: testConfig.LAYERLAB_SANDBOX_MEMORY_MB,
  cpus: testConfig.LAYERLAB_SANDBOX_CPUS,
  pids: testConfig.LAYERLAB_SANDBOX_PIDS,
  diskMb: testConfig.LAYERLAB_SANDBOX_DISK_MB,
};

export interface TestDriver {
  driver: SandboxDriver;
  instance: string;
  /** Destroys every sandbox of this test's instance. */
  cleanup(): Promise<void>;
}

export function createTestDriver(name: string, network = testConfig.LAYERLAB_NETWORK): TestDriver {
  const instance = `test-${name}-${randomBytes(3).toString("hex")}`;
  const driver = createPodmanDriver({
    image: testConfig.LAYERLAB_SANDBOX_IMAGE,
    network,
    registry: testConfig.LAYERLAB_REGISTRY,
    diskDir: TEST_DISK_DIR,
    instance,
  });
  return {
    driver,
    instance,
    async cleanup() {
      for (const s of await driver.list()) await driver.destroy(s.id);
    },
  };
}

/** Runs cleanup steps in order, each one even when an earlier one failed, then reports the first failure. */
export async function cleanUpInOrder(...steps: (() => unknown)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length) throw errors[0];
}

/** Fails the suite early with a clear message when the sandbox image has not been built. */
export async function requireSandboxImage(): Promise<void> {
  const exists = await runHostCommand("podman", ["image", "exists", testConfig.LAYERLAB_SANDBOX_IMAGE]);
  if (exists.exitCode !== 0) throw new Error(`${testConfig.LAYERLAB_SANDBOX_IMAGE} is missing: run npm run images (scripts/images/build-all.sh) first`);
}

/** Runs a script the way a learner types it: a login shell as learner, in their home. */
export function asLearner(driver: SandboxDriver, id: string, script: string, timeoutMs = 120_000): Promise<ExecResult> {
  return driver.exec(id, ["bash", "-lc", script], { user: "learner", timeoutMs });
}

/** The sandbox's IPv4 address on its network. */
export async function sandboxIp(driver: SandboxDriver, id: string): Promise<string> {
  const r = await driver.exec(id, ["sh", "-c", "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1"]);
  return r.stdout.trim();
}

/** Whether a TCP connection from inside the sandbox to host:port succeeds (within 3 s). */
export async function canConnect(driver: SandboxDriver, id: string, host: string, port: number): Promise<boolean> {
  const r = await driver.exec(id, ["bash", "-c", `timeout 3 nc -z -w 2 ${host.includes(":") ? "-6" : "-4"} ${host} ${port} && echo OPEN || echo CLOSED`]);
  return r.stdout.trim() === "OPEN";
}

/** The host-side cgroup directory of a sandbox for one v1 controller (memory, pids). */
export async function sandboxCgroup(id: string, controller: "memory" | "pids"): Promise<string> {
  const r = await runHostCommand("podman", ["inspect", "--format", "{{.State.CgroupPath}}", id]);
  return `/sys/fs/cgroup/${controller}${r.stdout.toString("utf8").trim()}`;
}
