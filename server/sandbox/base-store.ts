import "server-only";
import { chown, copyFile, lchown, mkdir, readFile, readdir, rm, rmdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "@/lib/config";
import { runHostCommand, runHostCommandOk } from "./host-command";

/**
 * The shared base-image store: the course's base images pulled once, unpacked, by a sandbox's own
 * containerd (scripts/images/base-store.ts), and kept on the host as that containerd's root directory
 * (content blobs, overlayfs snapshots, both bolt databases), owned by sandbox-relative ids.
 *
 * Each sandbox sees its versions read-only at SANDBOX_BASE_STORE through an idmapped mount made for that
 * sandbox's user namespace (so the files are its own learner's and Docker's ids there), and its
 * Docker starts from a copy of the two small databases plus symlinks to the store's snapshots and
 * blobs: `docker image ls` lists the base images at once, builds use them as overlay lower layers,
 * and a delete only removes a symlink. No byte of an image is copied into a sandbox.
 *
 * Layout on the host: <root>/versions/<version>/ (one containerd root per set of images; never changed
 * once written) and <root>/current naming the version new sandboxes get. A sandbox's symlinks name their
 * version, and every version is in its view, so a home made with an older version (kept, restored into
 * a new sandbox) still finds its images. <root> is 0700: on the host the files' sandbox-relative ids
 * would be other users' ids.
 */
export const SANDBOX_BASE_STORE = "/opt/layerlab/base-store";

const META_DB = "io.containerd.metadata.v1.bolt/meta.db";
const SNAPSHOTTER = "io.containerd.snapshotter.v1.overlayfs";
const BLOBS = "io.containerd.content.v1.content/blobs/sha256";
/** Where rootless dockerd (containerd image store) keeps its containerd root, under the learner's home. */
const ENGINE_ROOT = ".local/share/docker/containerd/daemon";
const IDMAP_HELPER = path.join(path.dirname(fileURLToPath(import.meta.url)), "base-store-idmap.py");

/** The store's root for the driver, or undefined when the configuration turns it off. */
export function baseStoreOf(config: Pick<Config, "LAYERLAB_BASE_STORE">): string | undefined {
  return config.LAYERLAB_BASE_STORE === "off" ? undefined : config.LAYERLAB_BASE_STORE;
}

export interface BaseStoreVersion {
  version: string;
  /** This version's containerd root. */
  dir: string;
  /** The directory of all versions: what a sandbox's view shows. */
  versions: string;
}

export function baseStoreVersions(root: string): string {
  return path.join(root, "versions");
}

/** The store directory of one version, or null when it is not (completely) there. */
export async function baseStoreVersion(root: string, version: string): Promise<BaseStoreVersion | null> {
  if (!/^[0-9a-f]{8,64}$/.test(version)) return null;
  const dir = path.join(baseStoreVersions(root), version);
  const complete = await readFile(path.join(dir, META_DB)).then(
    () => true,
    () => false,
  );
  return complete ? { version, dir, versions: baseStoreVersions(root) } : null;
}

/** The version new sandboxes get, or null when no store was seeded (sandboxes then pull as before). */
export async function currentBaseStore(root: string): Promise<BaseStoreVersion | null> {
  const version = await readFile(path.join(root, "current"), "utf8").catch(() => null);
  return version === null ? null : baseStoreVersion(root, version.trim());
}

/** The host directory where a sandbox's view of the store is mounted (beside its home disk). */
export function baseStoreView(diskDir: string, sandboxId: string): string {
  return path.join(diskDir, `${sandboxId}.base`);
}

/**
 * podman's bind of the view. nosuid and nodev must be named: the view carries them, and in the
 * sandbox's user namespace they are locked, so runc's read-only remount fails without them.
 */
export function baseStoreMountArgs(view: string): string[] {
  return ["--mount", `type=bind,src=${view},dst=${SANDBOX_BASE_STORE},ro,nosuid,nodev`];
}

/** The file beside a sandbox's disk that records which store version its engine started from. */
export function baseStoreRecord(diskDir: string, sandboxId: string): string {
  return path.join(diskDir, `${sandboxId}.base-store`);
}

export async function readBaseStoreRecord(diskDir: string, sandboxId: string): Promise<string | null> {
  return readFile(baseStoreRecord(diskDir, sandboxId), "utf8").then(
    (text) => text.trim(),
    () => null,
  );
}

/** Makes the (empty) view directory; podman create wants the bind source to exist. */
export async function prepareBaseStoreView(view: string): Promise<void> {
  await mkdir(view, { recursive: true, mode: 0o755 });
}

/**
 * Mounts the store's idmapped, read-only view (all versions) for a sandbox with these user-namespace
 * ranges (podman's "inside:host:count"). Idempotent: an existing mount is kept (a restart).
 */
export async function attachBaseStore(versions: string, view: string, maps: { UidMap: string[]; GidMap: string[] }): Promise<void> {
  await prepareBaseStoreView(view);
  if (await isMountPoint(view)) return;
  await runHostCommandOk("python3", [IDMAP_HELPER, versions, view, maps.UidMap.join(","), maps.GidMap.join(",")]);
}

/** Unmounts a view (a container made again with other id ranges needs it mapped anew). */
export async function unmountBaseStoreView(view: string): Promise<void> {
  if (!(await isMountPoint(view))) return;
  const result = await runHostCommand("umount", [view]);
  if (result.exitCode !== 0) await runHostCommandOk("umount", ["--lazy", view]);
}

/** Unmounts and removes a sandbox's view and its record; missing ones are fine. */
export async function detachBaseStore(diskDir: string, sandboxId: string): Promise<void> {
  const view = baseStoreView(diskDir, sandboxId);
  await unmountBaseStoreView(view);
  await rmdir(view).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
  await rm(baseStoreRecord(diskDir, sandboxId), { force: true });
}

/**
 * Gives a fresh home the engine state that starts from the store: the two databases copied (the
 * learner's engine writes them) and a symlink per snapshot and blob, pointing into SANDBOX_BASE_STORE.
 * Runs on the host before the sandbox first starts, so nothing in the home can race it.
 */
export async function seedEngineFromStore(store: BaseStoreVersion, home: string, learner: { uid: number; gid: number }, record: string): Promise<void> {
  await writeFile(record, store.version, { mode: 0o600 });
  const root = path.join(home, ENGINE_ROOT);
  const dirs = [".local", ".local/share", ".local/share/docker", ".local/share/docker/containerd", ENGINE_ROOT, path.dirname(META_DB), SNAPSHOTTER, `${SNAPSHOTTER}/snapshots`, path.dirname(path.dirname(BLOBS)), path.dirname(BLOBS), BLOBS];
  for (const dir of dirs) {
    const full = path.join(dir.startsWith(".local") ? home : root, dir);
    await mkdir(full, { mode: dir.startsWith(".local") ? 0o755 : 0o700 }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
    await chown(full, learner.uid, learner.gid);
  }
  for (const db of [META_DB, `${SNAPSHOTTER}/metadata.db`]) {
    await copyFile(path.join(store.dir, db), path.join(root, db));
    await chown(path.join(root, db), learner.uid, learner.gid);
  }
  for (const sub of [`${SNAPSHOTTER}/snapshots`, BLOBS]) {
    for (const name of await readdir(path.join(store.dir, sub))) {
      const link = path.join(root, sub, name);
      await symlink(path.join(SANDBOX_BASE_STORE, store.version, sub, name), link);
      await lchown(link, learner.uid, learner.gid);
    }
  }
}

async function isMountPoint(dir: string): Promise<boolean> {
  const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
  const escaped = dir.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
  return mountinfo.split("\n").some((line) => line.split(" ")[4] === escaped);
}
