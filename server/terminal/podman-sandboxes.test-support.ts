import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SandboxDriver } from "@/server/sandbox/driver";
import { createPodmanDriver } from "@/server/sandbox/podman-driver";
import type { LearnerSandboxes } from "./terminal-hub";

export const SANDBOX_IMAGE = process.env.LAYERLAB_SANDBOX_IMAGE ?? "localhost/layerlab/sandbox:latest";

/**
 * Real sandboxes for the terminal's integration test and benchmark: the lab's podman driver, one sandbox per
 * learner made on first use, labelled with their own instance so nothing else on the host is touched. (The
 * sandbox manager adds pools, idle reaping and the database; the terminal needs none of that to be tested.)
 */
export function podmanSandboxes(instance: string): {
  driver: SandboxDriver;
  sandboxes: LearnerSandboxes;
  destroyAll(): Promise<void>;
} {
  const diskDir = fs.mkdtempSync(path.join(os.tmpdir(), `layerlab-${instance}-`));
  const driver = createPodmanDriver({
    image: SANDBOX_IMAGE,
    network: process.env.LAYERLAB_NETWORK ?? "layerlab",
    registry: process.env.LAYERLAB_REGISTRY ?? "10.231.7.2:5000",
    diskDir,
    instance,
  });
  const byLearner = new Map<string, Promise<{ id: string }>>();
  return {
    driver,
    sandboxes: {
      acquire(learnerId, onProgress) {
        let sandbox = byLearner.get(learnerId);
        if (!sandbox) {
          onProgress?.({ phase: "starting sandbox", message: "Starting your sandbox…", percent: 30 });
          sandbox = driver.create({ labels: { "layerlab.learner": learnerId }, limits: { memoryMb: 1024, cpus: 1, pids: 2048, diskMb: 2048 } });
          byLearner.set(learnerId, sandbox);
        }
        return sandbox;
      },
      touch: () => {},
    },
    async destroyAll() {
      const settled = await Promise.allSettled(byLearner.values());
      await Promise.all(settled.map((s) => (s.status === "fulfilled" ? driver.destroy(s.value.id).catch((e) => console.error(`destroying test sandbox ${s.value.id}:`, e)) : undefined)));
      fs.rmSync(diskDir, { recursive: true, force: true });
    },
  };
}
