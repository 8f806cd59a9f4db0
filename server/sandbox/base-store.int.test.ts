import { createHash, randomBytes } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseStoreOf, baseStoreView, currentBaseStore, type BaseStoreVersion } from "./base-store";
import { runHostCommandOk } from "./host-command";
import { asLearner, requireSandboxImage, sandboxIp, TEST_DISK_DIR, testConfig, testLimits } from "./int-test-kit.test-support";
import { createPodmanDriver } from "./podman-driver";

/**
 * A fresh sandbox finds the course's base images in the shared read-only store (server/sandbox/base-store.ts):
 * listed at once, built FROM without fetching a layer from the lab registry, removable like its own; and
 * neither its learner nor its root can write to the store. The registry's own log, filtered to this sandbox's
 * address, tells what the sandbox fetched: the positive control pulls an image after removing it and sees
 * the layer requests that the build did not make.
 */

const CHAPTER_01 = path.resolve("content/chapters/01-anatomy/files");

/** Layer (blob) downloads this sandbox made from the lab registry since `since`. */
async function blobFetches(ip: string, since: string): Promise<number> {
  const logs = await runHostCommandOk("podman", ["logs", "--since", since, testConfig.LAYERLAB_REGISTRY_CONTAINER]);
  const lines = (logs.stdout.toString("utf8") + logs.stderr).split("\n");
  return lines.filter((l) => l.includes(`remoteaddr="${ip}:`) || l.includes(`remoteaddr=${ip}:`)).filter((l) => /http\.request\.method=GET/.test(l) && /\/blobs\/sha256:/.test(l)).length;
}

async function storeDigest(store: BaseStoreVersion): Promise<string> {
  const hash = createHash("sha256");
  hash.update(await readFile(path.join(store.dir, "io.containerd.metadata.v1.bolt/meta.db")));
  hash.update((await readdir(path.join(store.dir, "io.containerd.snapshotter.v1.overlayfs/snapshots"))).join(","));
  return hash.digest("hex");
}

describe("base images from the shared store", () => {
  const root = baseStoreOf(testConfig);
  const driver = createPodmanDriver({
    image: testConfig.LAYERLAB_SANDBOX_IMAGE,
    network: testConfig.LAYERLAB_NETWORK,
    registry: testConfig.LAYERLAB_REGISTRY,
    diskDir: TEST_DISK_DIR,
    instance: `test-base-store-${randomBytes(3).toString("hex")}`,
    baseStore: root,
  });
  let id: string;
  let ip: string;
  let store: BaseStoreVersion;
  let digestBefore: string;

  beforeAll(async () => {
    await requireSandboxImage();
    const current = root ? await currentBaseStore(root) : null;
    if (!current) throw new Error(`no base-image store at ${root}: run scripts/setup.sh (it seeds it with scripts/images/base-store.ts)`);
    store = current;
    digestBefore = await storeDigest(store);
    ({ id } = await driver.create({ labels: {}, limits: testLimits }));
    ip = await sandboxIp(driver, id);
    const started = await driver.exec(id, ["layerlab-docker-start"], { user: "root", timeoutMs: 90_000 });
    expect(started.exitCode, started.stderr).toBe(0);
  });

  afterAll(async () => {
    for (const s of await driver.list()) await driver.destroy(s.id);
  });

  it("lists the base images and builds chapter 01 FROM node:18 without fetching a layer", async () => {
    const since = new Date().toISOString();
    const listed = await asLearner(driver, id, "docker image ls --format '{{.Repository}}:{{.Tag}}'");
    expect(listed.stdout.split("\n")).toEqual(expect.arrayContaining(["node:18", "node:18-slim", "busybox:latest", "golang:1.19"]));
    const files = await readdir(CHAPTER_01);
    for (const f of files) await driver.writeFile(id, `/home/learner/ch01/${f}`, await readFile(path.join(CHAPTER_01, f)));
    const built = await asLearner(driver, id, "cd ~/ch01 && docker build -q -t ch01 . && docker run --rm ch01 node -e 'console.log(require(\"fs\").existsSync(\"/data/app/index.js\"))'");
    expect(built.exitCode, built.stderr).toBe(0);
    expect(built.stdout.trim().split("\n").at(-1)).toBe("true");
    expect(await blobFetches(ip, since)).toBe(0);
  });

  it("finds the store again after a stop and a lost mount (a host reboot)", async () => {
    const since = new Date().toISOString();
    await driver.stop(id);
    await runHostCommandOk("umount", [baseStoreView(TEST_DISK_DIR, id)]);
    await driver.start(id);
    // A started sandbox may have another address: the registry's log is read by the new one.
    ip = await sandboxIp(driver, id);
    const after = await asLearner(driver, id, "layerlab-docker-start >/dev/null 2>&1; docker run --rm node:18-slim node -e 'console.log(40+2)'");
    expect(after.exitCode, after.stderr).toBe(0);
    expect(after.stdout.trim()).toBe("42");
    expect(await blobFetches(ip, since)).toBe(0);
  });

  it("removes a base image like its own, and pulls it again from the registry (positive control)", async () => {
    const since = new Date().toISOString();
    const removed = await asLearner(driver, id, "docker image rm -f busybox >/dev/null && layerlab-engine-gc --now; docker image ls --format '{{.Repository}}:{{.Tag}}'");
    expect(removed.stdout.split("\n")).not.toContain("busybox:latest");
    const pulled = await asLearner(driver, id, "docker pull -q busybox && docker run --rm busybox echo pulled-again");
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(pulled.stdout).toContain("pulled-again");
    expect(await blobFetches(ip, since)).toBeGreaterThan(0);
    // docker system prune -a drops every image, the store's among them; the store itself is untouched.
    const pruned = await asLearner(driver, id, "docker system prune -a -f >/dev/null && layerlab-engine-gc --now; docker image ls -q | wc -l");
    expect(pruned.stdout.trim()).toBe("0");
    expect(await storeDigest(store)).toBe(digestBefore);
  });

  it("cannot write to the store, as learner or as sandbox root", async () => {
    // The store's files are the learner's as the sandbox sees them, so only the read-only mount stops a write.
    const metaDb = `/opt/layerlab/base-store/${store.version}/io.containerd.metadata.v1.bolt/meta.db`;
    const owner = await driver.exec(id, ["stat", "-c", "%U", metaDb], { user: "learner" });
    expect(owner.stdout.trim()).toBe("learner");
    const learnerWrite = await driver.exec(id, ["sh", "-c", `echo x >> ${metaDb}`], { user: "learner" });
    expect(learnerWrite.exitCode).not.toBe(0);
    expect(learnerWrite.stderr).toMatch(/Read-only file system/);
    const rootRemount = await driver.exec(id, ["sh", "-c", "mount -o remount,rw,nosuid,nodev,bind /opt/layerlab/base-store && touch /opt/layerlab/base-store/x"], { user: "root" });
    expect(rootRemount.exitCode).not.toBe(0);
    expect(rootRemount.stderr).toMatch(/permission denied/i);
    // Positive control: the same commands write where nothing guards (the learner's own engine files).
    const ownWrite = await driver.exec(id, ["sh", "-c", "touch /home/learner/.local/share/docker/x && echo ok"], { user: "learner" });
    expect(ownWrite.stdout.trim()).toBe("ok");
    expect(await storeDigest(store)).toBe(digestBefore);
  });
});
