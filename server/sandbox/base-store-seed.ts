import "server-only";
import { createHash } from "node:crypto";
import { chmod, chown, lchown, lstat, mkdir, opendir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { baseStoreVersion, baseStoreVersions } from "./base-store";
import { runHostCommand, runHostCommandOk } from "./host-command";
import { createWithIdRange } from "./id-ranges";
import { hostIdFor, podmanCreateArgs, podmanExecArgs } from "./podman-driver";
import type { IdMappings } from "./sandbox-disk";

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
 * containerd unpacks them), stops, and its containerd root, re-owned to sandbox-relative ids, is renamed
 * into the store. Idempotent; old versions stay (sandboxes made with them still read them).
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

const SEED_CONTAINER = "layerlab-base-store-seed";
const SEED_LIMITS = { memoryMb: 2048, cpus: 2, pids: 4096, diskMb: 0 };

async function makeVersion(o: SeedOptions, images: string[], version: string, log: (line: string) => void): Promise<void> {
  // The seeding sandbox's home is a directory on the store's own file system (not a loop disk as for learners), so
  // its engine's root becomes the version by a rename instead of a copy of ~3 GB. Not labelled layerlab=1: no lab
  // lists or adopts it.
  const staging = path.join(o.root, `.staging-${version}`);
  await runHostCommand("podman", ["rm", "--force", "--time", "0", "--ignore", SEED_CONTAINER]);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o755 });
  try {
    const maps = await createWithIdRange("podman", SEED_CONTAINER, (idMappings) =>
      podmanCreateArgs({ id: SEED_CONTAINER, image: o.sandboxImage, network: o.network, registry: o.registry, homeSource: staging, limits: SEED_LIMITS, labels: { "layerlab.base-store-seed": version }, idMappings }),
    );
    await chown(staging, hostIdFor(maps.UidMap, 1000), hostIdFor(maps.GidMap, 1000));
    await runHostCommandOk("podman", ["start", SEED_CONTAINER]);
    log(`pulling ${images.join(", ")} in ${SEED_CONTAINER}`);
    const pulls = images.map((image) => `docker pull -q ${image} >/dev/null & p="$p $!"`).join("; ");
    const script = `layerlab-docker-start && p=; ${pulls}; for i in $p; do wait $i || exit 1; done; docker image ls --format '{{.Repository}}:{{.Tag}}'`;
    const timeoutMs = 30 * 60_000;
    const pulled = await runHostCommand("podman", ["exec", ...podmanExecArgs(SEED_CONTAINER, ["bash", "-c", script], { user: "learner", timeoutMs })], { killAfterMs: timeoutMs + 10_000 });
    if (pulled.exitCode !== 0) throw new Error(`pulling the base images failed: ${pulled.stderr.trim()}`);
    log(`pulled: ${pulled.stdout.toString("utf8").trim().split("\n").join(", ")}`);
    // Stopped, so containerd has closed its databases and nothing changes under what follows.
    await runHostCommandOk("podman", ["stop", "--time", "10", SEED_CONTAINER]);
    const engineRoot = path.join(staging, ".local/share/docker/containerd/daemon");
    await rm(path.join(engineRoot, "io.containerd.content.v1.content/ingest"), { recursive: true, force: true });
    await toSandboxRelativeIds(engineRoot, maps);
    await chmod(engineRoot, 0o755);
    // 0711: a sandbox's learner passes through to its version; the list of versions is no business of theirs.
    await mkdir(baseStoreVersions(o.root), { mode: 0o711 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    await rename(engineRoot, path.join(baseStoreVersions(o.root), version));
    log(`store version ${version} ready`);
  } finally {
    await runHostCommand("podman", ["rm", "--force", "--time", "0", "--ignore", SEED_CONTAINER]);
    await rm(staging, { recursive: true, force: true });
  }
}

/** The sandbox id a host id stands for in podman's "inside:host:count" ranges, or null outside them. */
function insideId(ranges: string[], hostId: number): number | null {
  for (const range of ranges) {
    const [inside, host, count] = range.split(":").map(Number);
    if (hostId >= host && hostId < host + count) return inside + (hostId - host);
  }
  return null;
}

/**
 * Re-owns every file from the seeding sandbox's host ids to the sandbox ids they stand for (learner 1000,
 * rootless Docker's 100000+). Hard links are met more than once; the second time the id is no longer in the
 * sandbox's host ranges (those start far above a sandbox's 200000 ids) and is left alone. chown clears set-id
 * bits, so they are put back.
 */
async function toSandboxRelativeIds(dir: string, maps: IdMappings): Promise<void> {
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
      const uid = insideId(maps.UidMap, s.uid);
      const gid = insideId(maps.GidMap, s.gid);
      if (uid !== null || gid !== null) {
        await lchown(file, uid ?? s.uid, gid ?? s.gid);
        if (!s.isSymbolicLink() && s.mode & 0o6000) await chmod(file, s.mode & 0o7777);
      }
      if (s.isDirectory()) for await (const entry of await opendir(file)) pending.push(path.join(file, entry.name));
      active--;
    }
  };
  await Promise.all(Array.from({ length: 8 }, walker));
}
