import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxDriver } from "./driver";
import { asLearner, cleanUpInOrder, createTestDriver, requireSandboxImage, testLimits } from "./int-test-kit.test-support";

/**
 * The learner's containerd collects unused layers only when asked (scripts/images/sandbox/rootfs/usr/local/bin/containerd).
 * A collection while a build unpacks its image can remove a layer the unpack has just found and skipped, and the
 * build fails with "parent snapshot … does not exist" (moby/buildkit#6521; it turned chapter 09 step 3 red about
 * one run in four). These tests show that nothing collects by itself, that what a rebuild left behind is still
 * collectable when asked, that asking is refused while a build runs, and that the shell's prompt asks.
 */

const CTR = 'ctr --address "$XDG_RUNTIME_DIR/docker/containerd/containerd.sock" --namespace moby';
const SNAPSHOT_KEYS = `${CTR} snapshots --snapshotter overlayfs ls | awk 'NR > 1 { print $1 }'`;

/** An image's top snapshot as containerd names it: the chain id of its layers (OCI image spec). */
function topChainId(diffIds: string[]): string {
  return diffIds.reduce((chain, diff) => (chain ? `sha256:${createHash("sha256").update(`${chain} ${diff}`).digest("hex")}` : diff), "");
}

async function learner(driver: SandboxDriver, id: string, script: string): Promise<string> {
  const r = await asLearner(driver, id, `set -euo pipefail\n${script}`, 180_000);
  expect(r.exitCode, `${script}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

async function snapshotKeys(driver: SandboxDriver, id: string): Promise<string[]> {
  return (await learner(driver, id, SNAPSHOT_KEYS)).split("\n").filter(Boolean);
}

/** Builds gc:test from a Dockerfile whose last layer holds `content`, and returns that image's top snapshot. */
async function buildTagged(driver: SandboxDriver, id: string, content: string): Promise<string> {
  await learner(
    driver,
    id,
    `mkdir -p ~/gc && cd ~/gc
printf 'FROM busybox\\nRUN head -c 1048576 /dev/urandom > /noise\\nRUN echo %s > /content\\n' '${content}' > Dockerfile
docker build -q -t gc:test . >/dev/null`,
  );
  const layers = JSON.parse(await learner(driver, id, "docker image inspect -f '{{json .RootFS.Layers}}' gc:test")) as string[];
  return topChainId(layers);
}

describe("the sandbox engine collects only when asked", () => {
  const t = createTestDriver("engine-gc");
  let id: string;

  beforeAll(async () => {
    await requireSandboxImage();
    ({ id } = await t.driver.create({ labels: {}, limits: testLimits }));
    const started = await t.driver.exec(id, ["layerlab-docker-start"], { user: "root", timeoutMs: 90_000 });
    expect(started.exitCode, started.stderr).toBe(0);
  });

  afterAll(() => cleanUpInOrder(() => t.cleanup()));

  /** Rebuilds gc:test (orphaning the previous image's top layer), then runs builds that delete snapshots as they go. */
  async function orphanThenBuild(content: string): Promise<string> {
    const orphan = await buildTagged(t.driver, id, `${content}-a`);
    await buildTagged(t.driver, id, `${content}-b`);
    await learner(
      t.driver,
      id,
      `mkdir -p ~/churn && cd ~/churn
for i in 1 2 3; do printf 'FROM busybox\\nRUN echo %s-$i > /x\\n' '${content}' > Dockerfile; docker build -q --output type=cacheonly . >/dev/null; done`,
    );
    return orphan;
  }

  async function restartDocker(env: string): Promise<void> {
    await learner(t.driver, id, "pkill -u learner -x rootlesskit || true; for i in $(seq 1 100); do pgrep -u learner -x dockerd >/dev/null || break; sleep 0.1; done");
    await learner(t.driver, id, `${env} LAYERLAB_QUIET=1 layerlab-docker-start`);
  }

  it("keeps what a rebuild left behind while builds delete, then collects it when asked", async () => {
    // Control: under containerd's own schedule, the deletions builds make start collections by themselves.
    await restartDocker("LAYERLAB_CONTAINERD_DEFAULT_GC=1");
    const collectedAlone = await orphanThenBuild("control");
    await expect.poll(() => snapshotKeys(t.driver, id), { timeout: 30_000, interval: 500 }).not.toContain(collectedAlone);

    // The sandbox's schedule: the same work, and the orphaned layer is still there after it.
    await restartDocker("");
    const kept = await orphanThenBuild("layerlab");
    await learner(t.driver, id, "sleep 3");
    expect(await snapshotKeys(t.driver, id), "containerd collected without being asked").toContain(kept);

    // Nothing holds that layer, so asking collects it (and keeps the image in use).
    await learner(t.driver, id, "layerlab-engine-gc --now");
    const after = await snapshotKeys(t.driver, id);
    expect(after).not.toContain(kept);
    const inUse = JSON.parse(await learner(t.driver, id, "docker image inspect -f '{{json .RootFS.Layers}}' gc:test")) as string[];
    expect(after).toContain(topChainId(inUse));
  });

  it("does not collect while a build runs", async () => {
    // A build that runs until it is cancelled, so the request below certainly comes while it runs.
    const build = asLearner(
      t.driver,
      id,
      `mkdir -p ~/slow && cd ~/slow && printf 'FROM busybox\\nRUN sleep 600\\n' > Dockerfile && exec docker build -q -t slow:test .`,
      180_000,
    );
    const asked = await asLearner(
      t.driver,
      id,
      'for i in $(seq 1 300); do pgrep -u learner -x docker >/dev/null && break; sleep 0.1; done; layerlab-engine-gc --now; echo "exit=$?"',
    );
    expect(asked.stdout).toContain("exit=3");
    await asLearner(t.driver, id, "pkill -INT -u learner -x docker");
    expect((await build).exitCode).not.toBe(0);
    // Positive control: with the build gone, the same request collects.
    const again = await asLearner(t.driver, id, 'layerlab-engine-gc --now; echo "exit=$?"');
    expect(again.stdout).toContain("exit=0");
  });

  it("is asked by the shell's prompt after a command", async () => {
    const replaced = await buildTagged(t.driver, id, "third");
    await buildTagged(t.driver, id, "fourth");
    expect(await snapshotKeys(t.driver, id)).toContain(replaced);
    // An interactive shell runs PROMPT_COMMAND before each prompt, as the learner's terminal does;
    // the collection runs in the background, so wait for it to finish.
    await learner(t.driver, id, `rm -f "$XDG_RUNTIME_DIR/.engine-gc"; printf 'true\\nexit\\n' | bash -i >/dev/null 2>&1; for i in $(seq 1 50); do pgrep -u learner -x ctr >/dev/null || break; sleep 0.2; done`);
    await expect.poll(() => snapshotKeys(t.driver, id), { timeout: 20_000, interval: 500 }).not.toContain(replaced);
  });
});
