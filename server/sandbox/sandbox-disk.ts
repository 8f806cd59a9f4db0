import "server-only";
import { chmod, chown, lchown, lstat, mkdir, opendir, readFile, rm, rmdir, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { runHostCommand, runHostCommandOk } from "./host-command";

/**
 * A sandbox's home is its own ext4 file system in a sparse file, loop-mounted on the host and
 * bind-mounted into the sandbox. Docker's storage lives there, so filling it ends in ENOSPC inside
 * that sandbox and never touches the host's disk.
 *
 * Why not the alternatives on this host: podman's `--storage-opt size=` needs XFS with project
 * quotas (the host is ext4, and this kernel has no XFS quota); a tmpfs volume would spend memory;
 * a podman volume with `--opt o=loop` mounts the file itself, but podman 4.3 leaves it mounted
 * after a stop that follows heavy writes, and the next start then fails with "already mounted".
 */
export interface SandboxDisk {
  /** The sparse file holding the file system. */
  image: string;
  /** Where the host mounts it; the sandbox's /home/learner is a bind mount of this directory. */
  mountpoint: string;
  /**
   * The host id ranges of the container the disk was made for (podman's IDMappings), kept beside the disk
   * where the learner cannot change it: the disk's files belong to those host ids, so a container made
   * again on this disk (the old one removed) must map the same ranges, or re-own every file.
   */
  idMappings: string;
}

export interface IdMappings {
  UidMap: string[];
  GidMap: string[];
}

export function sandboxDisk(dir: string, sandboxId: string): SandboxDisk {
  return { image: path.join(dir, `${sandboxId}.img`), mountpoint: path.join(dir, sandboxId), idMappings: path.join(dir, `${sandboxId}.idmap.json`) };
}

export async function recordIdMappings(disk: SandboxDisk, maps: IdMappings): Promise<void> {
  await writeFile(disk.idMappings, JSON.stringify({ UidMap: maps.UidMap, GidMap: maps.GidMap }), { mode: 0o600 });
}

/** The recorded id ranges, or null for a disk made before they were recorded. */
export async function readIdMappings(disk: SandboxDisk): Promise<IdMappings | null> {
  const text = await readFile(disk.idMappings, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  return text === null ? null : (JSON.parse(text) as IdMappings);
}

/** Makes the file system (sparse: it takes host space only as the sandbox writes) and mounts it. */
export async function createDisk(disk: SandboxDisk, sizeMb: number): Promise<void> {
  // 0711: the sandbox's user namespace must traverse the directory to bind-mount from it, but has no business listing it.
  await mkdir(path.dirname(disk.image), { recursive: true, mode: 0o711 });
  await writeFile(disk.image, "", { flag: "wx" });
  await truncate(disk.image, sizeMb * 1024 * 1024);
  // No reserved blocks (no root daemon writes here) and no zeroing at mkfs time: a 10 GB file system is made in ~30 ms.
  await runHostCommandOk("mkfs.ext4", ["-q", "-F", "-m", "0", "-L", "layerlab-home", "-E", "lazy_itable_init=1,lazy_journal_init=1,nodiscard", disk.image]);
  await mkdir(disk.mountpoint, { mode: 0o755 });
  await mountDisk(disk);
}

/**
 * Mounts the disk unless it already is (after a host reboot a stopped sandbox's disk is not). A disk
 * mounted by an older lab, without `discard`, is remounted with it and trimmed once, so the space its
 * learner freed before goes back to the host too.
 */
export async function ensureDiskMounted(disk: SandboxDisk): Promise<void> {
  const options = await mountOptions(disk.mountpoint);
  if (options === null) return mountDisk(disk);
  if (options.includes("discard")) return;
  await runHostCommandOk("mount", ["-o", "remount,discard", disk.mountpoint]);
  await runHostCommandOk("fstrim", [disk.mountpoint]);
}

/**
 * Gives the new file system's root to the sandbox's learner (host uid = the sandbox's user-namespace
 * base + 1000) and removes lost+found, which would show up in the learner's `ls -a` owned by nobody.
 */
export async function handDiskTo(disk: SandboxDisk, hostUid: number, hostGid: number): Promise<void> {
  await chown(disk.mountpoint, hostUid, hostGid);
  await rmdir(path.join(disk.mountpoint, "lost+found")).catch(() => {});
}

/** Unmounts and deletes the disk; missing pieces are fine (idempotent, also cleans up a half-made disk). */
export async function removeDisk(disk: SandboxDisk): Promise<void> {
  if ((await mountOptions(disk.mountpoint)) !== null) {
    const result = await runHostCommand("umount", [disk.mountpoint]);
    // Still busy (a process on the host sits in it): detach lazily so the file can go now and the space returns when it is let go.
    if (result.exitCode !== 0) await runHostCommandOk("umount", ["--lazy", disk.mountpoint]);
  }
  await rmdir(disk.mountpoint).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
  await rm(disk.image, { force: true });
  await rm(disk.idMappings, { force: true });
}

async function mountDisk(disk: SandboxDisk): Promise<void> {
  // noinit_itable: no background thread zeroing inode tables (I/O nobody needs on a scratch disk);
  // nodev/nosuid: nothing on the learner's disk is a device or grants privileges on the host;
  // discard: ext4 passes each freed extent down at its next journal commit (seconds), and the loop
  // device punches it out of the sparse file, so a learner's `rm` (or `docker system prune`) gives the
  // host its space back. Chosen over a periodic fstrim: no timer, no scan of every disk, and the
  // space returns in seconds rather than at the next round.
  await runHostCommandOk("mount", ["-t", "ext4", "-o", "loop,nodev,nosuid,noinit_itable,discard", disk.image, disk.mountpoint]);
}

/** The file system's mount options at `mountpoint` (the superblock's, where ext4 shows discard), or null when nothing is mounted there. */
async function mountOptions(mountpoint: string): Promise<string[] | null> {
  const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
  // Field 5 is the mount point, with spaces and the like escaped as octal; after the " - " separator come
  // the file system type, the source and the per-superblock options.
  const escaped = mountpoint.replace(/[ \t\n\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
  const line = mountinfo.split("\n").findLast((l) => l.split(" ")[4] === escaped);
  if (!line) return null;
  const [perMount, perSuper = ""] = line.split(" - ");
  return [...perMount.split(" ")[5].split(","), ...(perSuper.split(" ")[2] ?? "").split(",")];
}

/**
 * Re-owns every file under `dir` from one container's host id ranges to another's, keeping what each id is inside the
 * sandbox (the learner stays the learner, rootless Docker's ids stay its own). Runs on a disk no container uses, so
 * nothing changes under the walk; symlinks are not followed and the walk stays on the disk. chown clears set-id bits,
 * so they are put back. Written here because nothing kept does this shift (podman's :U gives every file one owner).
 */
export async function shiftOwners(dir: string, from: IdMappings, to: IdMappings): Promise<void> {
  const shift = (fromRanges: string[], toRanges: string[]) => {
    const inside = (hostId: number) => {
      for (const range of fromRanges) {
        const [insideStart, host, count] = range.split(":").map(Number);
        if (hostId >= host && hostId < host + count) return insideStart + (hostId - host);
      }
      return null;
    };
    return (hostId: number) => {
      const id = inside(hostId);
      if (id === null) return hostId;
      for (const range of toRanges) {
        const [insideStart, host, count] = range.split(":").map(Number);
        if (id >= insideStart && id < insideStart + count) return host + (id - insideStart);
      }
      return hostId;
    };
  };
  const uid = shift(from.UidMap, to.UidMap);
  const gid = shift(from.GidMap, to.GidMap);
  const root = await lstat(dir);
  // Folder by folder, breadth first; within a level a few files at a time (the walk is syscall-bound).
  for (let level = [dir]; level.length; ) {
    const next: string[] = [];
    let i = 0;
    const worker = async () => {
      for (let file = level[i++]; file !== undefined; file = level[i++]) {
        const s = await lstat(file);
        if (s.dev !== root.dev) continue;
        await lchown(file, uid(s.uid), gid(s.gid));
        if (!s.isSymbolicLink() && s.mode & 0o6000) await chmod(file, s.mode & 0o7777);
        if (s.isDirectory()) for await (const entry of await opendir(file)) next.push(path.join(file, entry.name));
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    level = next;
  }
}
