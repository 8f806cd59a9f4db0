import "server-only";
import { createHash } from "node:crypto";
import { chmod, lchown, lstat, mkdir, opendir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { baseStoreVersion, baseStoreVersions } from "./base-store";
import { runHostCommandOk } from "./host-command";
import { createPodmanDriver, hostIdFor } from "./podman-driver";
import { sandboxDisk } from "./sandbox-disk";

/**
 * The base images the course's Dockerfiles and commands start from (chapters, drills' {{base}} values,
 * chapter 08's registry). base-store-images.test.ts checks the content names no other.
 */
export const COURSE_BASE_IMAGES = ["busybox", "debian:bookworm-slim", "node:18", "node:18-slim", "golang:1.19", "python:3.11-slim", "registry:2"];

/** Where build-all.sh records the manifest digest it pushed for each tag. */
const PUSHED_DIR = "/var/lib/layerlab/pushed";

/**
 * The store's version: what the images are (the digests the lab registry serves for them) and which
 * engine unpacked them (the sandbox image). Any change makes a new version; an unchanged one is kept.
 */
export async function baseStoreVersionFor(images: string[], sandboxImage: string): Promise<string> {
  const hash = createHash("sha256");
  for (const image of images) {
    const [name, tag = "latest"] = image.split(":");
    const record = path.join(PUSHED_DIR, `library_${name}_${tag}`);
    const pushed = await readFile(record, "utf8").catch(() => {
      throw new Error(`${image} is not in the lab registry (no ${record}): run scripts/images/build-all.sh first`);
    });
    hash.update(`${image}=${pushed.trim()}\n`);
  }
  const id = await runHostCommandOk("podman", ["image", "inspect", "--format", "{{.Id}}", sandboxImage]);
  hash.update(`sandbox=${id.stdout.toString("utf8").trim()}\n`);
  return hash.digest("hex").slice(0, 16);
}

export interface SeedOptions {
  root: string;
  sandboxImage: string;
  network: string;
  registry: string;
  images?: string[];
  log?: (line: string) => void;
}

/**
 * Makes the store's current version if it is not there: a sandbox of its own pulls the images (its
 * containerd unpacks them), stops, and its containerd root is copied out with ownership made
 * sandbox-relative. Idempotent; old versions stay (sandboxes made with them still read them).
 */
export async function seedBaseStore(o: SeedOptions): Promise<{ version: string; seeded: boolean }> {
  const log = o.log ?? (() => {});
  const images = o.images ?? COURSE_BASE_IMAGES;
  const version = await baseStoreVersionFor(images, o.sandboxImage);
  await mkdir(o.root, { recursive: true, mode: 0o700 });
  // Only root on the host reads the store's files (they carry sandbox-relative ids, which mean nothing here).
  await chmod(o.root, 0o700);
  let seeded = false;
  if (!(await baseStoreVersion(o.root, version))) {
    await makeVersion(o, images, version, log);
    seeded = true;
  }
  const current = path.join(o.root, "current");
  if ((await readFile(current, "utf8").catch(() => "")).trim() !== version) {
    await writeFile(`${current}.tmp`, version);
    await rename(`${current}.tmp`, current);
  }
  return { version, seeded };
}

async function makeVersion(o: SeedOptions, images: string[], version: string, log: (line: string) => void): Promise<void> {
  const driver = createPodmanDriver({ image: o.sandboxImage, network: o.network, registry: o.registry, diskDir: path.join(o.root, ".seed-disks"), instance: "base-store-seed" });
  for (const left of await driver.list()) await driver.destroy(left.id);
  const sandbox = await driver.create({ labels: {}, limits: { memoryMb: 2048, cpus: 2, pids: 4096, diskMb: 20_480 } });
  try {
    log(`pulling ${images.join(", ")} in ${sandbox.id}`);
    const pulls = images.map((image) => `docker pull -q ${image} >/dev/null & p="$p $!"`).join("; ");
    const pulled = await driver.exec(sandbox.id, ["bash", "-c", `layerlab-docker-start && p=; ${pulls}; for i in $p; do wait $i || exit 1; done; docker image ls --format '{{.Repository}}:{{.Tag}}'`], {
      user: "learner",
      timeoutMs: 30 * 60_000,
    });
    if (pulled.exitCode !== 0) throw new Error(`pulling the base images failed: ${pulled.stderr.trim()}`);
    log(`pulled: ${pulled.stdout.trim().split("\n").join(", ")}`);
    // Stopped, so containerd has closed its databases and nothing changes under the copy.
    await driver.stop(sandbox.id);
    const inspected = await runHostCommandOk("podman", ["inspect", "--format", "{{json .HostConfig.IDMappings}}", sandbox.id]);
    const maps = JSON.parse(inspected.stdout.toString("utf8")) as { UidMap: string[]; GidMap: string[] };
    const engineRoot = path.join(sandboxDisk(path.join(o.root, ".seed-disks"), sandbox.id).mountpoint, ".local/share/docker/containerd/daemon");
    const staging = path.join(o.root, `.staging-${version}`);
    await rm(staging, { recursive: true, force: true });
    await runHostCommandOk("cp", ["-a", engineRoot, staging]);
    await rm(path.join(staging, "io.containerd.content.v1.content/ingest"), { recursive: true, force: true });
    await toSandboxRelativeIds(staging, hostIdFor(maps.UidMap, 0), hostIdFor(maps.GidMap, 0));
    await chmod(staging, 0o755);
    // 0711: a sandbox's learner passes through to its version; the list of versions is no business of theirs.
    await mkdir(baseStoreVersions(o.root), { mode: 0o711 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    await rename(staging, path.join(baseStoreVersions(o.root), version));
    log(`store version ${version} ready`);
  } finally {
    await driver.destroy(sandbox.id);
  }
}

/**
 * Re-owns every file from the seeding sandbox's host ids (base + k) to k. Hard links are met more than
 * once; the second time the id is already below base and is left alone (the ranges cannot overlap:
 * podman's ranges start far above a sandbox's 200000 ids). chown clears set-id bits, so they are put back.
 */
async function toSandboxRelativeIds(dir: string, uidBase: number, gidBase: number): Promise<void> {
  if (uidBase < 200_000 || gidBase < 200_000) throw new Error(`seeding sandbox's ids start at ${uidBase}/${gidBase}, inside the sandbox-relative range`);
  const pending = [dir];
  // A few walkers at once: the walk is syscall-bound, one at a time it took minutes for ~150,000 files.
  let active = 0;
  const walker = async (): Promise<void> => {
    for (;;) {
      const file = pending.pop();
      if (file === undefined) {
        if (active === 0) return;
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      active++;
      const s = await lstat(file);
      if (s.uid >= uidBase || s.gid >= gidBase) {
        await lchown(file, s.uid >= uidBase ? s.uid - uidBase : s.uid, s.gid >= gidBase ? s.gid - gidBase : s.gid);
        if (!s.isSymbolicLink() && s.mode & 0o6000) await chmod(file, s.mode & 0o7777);
      }
      if (s.isDirectory()) for await (const entry of await opendir(file)) pending.push(path.join(file, entry.name));
      active--;
    }
  };
  await Promise.all(Array.from({ length: 8 }, walker));
}
