import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import { rm, stat, writeFile } from "node:fs/promises";
import { runHostCommand, runHostCommandOk } from "./host-command";
import { ensureDiskMounted, sandboxDisk } from "./sandbox-disk";

/**
 * A sandbox's home as a compressed archive (tar + zstd), written from one sandbox and unpacked into
 * another. The format is a tar with numeric owners *as the sandbox sees them* (learner 1000, rootless
 * Docker's 100000+), because a new sandbox gets another host uid range: tar runs on
 * the host inside a user namespace with the sandbox's own id mapping, so the kernel shifts every owner,
 * ACL and file capability both ways. Chosen over a copy of the disk image file, which keeps host uids
 * and would need every inode re-owned (or an idmapped mount the driver does not use) on restore.
 *
 * Why a user namespace made here, not `unshare --map-users`: util-linux maps ids through newuidmap,
 * which allows root only the ranges /etc/subuid gives it. The host's root may write any mapping itself;
 * so a holder process unshares, the maps are written for it, and tar joins it with nsenter.
 */
export interface HomeArchiver {
  /**
   * Stops the sandbox (Docker first, so containerd's store is consistent) and writes its home to `file`.
   * With `withoutDocker`, Docker's storage (images, containers, build cache) is left out. Returns the
   * archive's size, or null when it would exceed `maxBytes` (then nothing is left at `file`).
   */
  save(sandboxId: string, file: string, opts: { maxBytes: number; withoutDocker?: boolean }): Promise<number | null>;
  /** Stops Docker in the (running) sandbox, replaces its home with the archive's; the caller starts Docker again. */
  restore(sandboxId: string, file: string): Promise<void>;
}

/** Runtime state that must not come back (sockets, pid files of processes that are gone); Docker's start-up clears it anyway. */
const EXCLUDE_ALWAYS = ["./.run/*"];
const DOCKER_STORAGE = "./.local/share/docker";
const TAR_OWNERSHIP = ["--numeric-owner", "--xattrs", "--xattrs-include=*", "--acls"];
/** zstd level 3 with a thread per core: on this 2-core host the archive is I/O- and tar-bound; higher levels only cost time. */
const ZSTD_LEVEL = "-3";

/**
 * Runs a command as root of the user namespace held by process $1, in the home's mount point $2. nsenter
 * opens the directory before it changes ids, so the sandbox's ids need no search permission on the lab's
 * directories above it (a data directory may be 0700).
 */
const NSENTER = `nsenter --user --target "$1" --wd="$2" --setuid 0 --setgid 0 --`;

/** Sends dockerd TERM and waits until it, containerd and rootlesskit are gone (best effort: 10 s). */
const STOP_DOCKER = `pkill -TERM -x dockerd; for i in $(seq 100); do pgrep -x dockerd >/dev/null || pgrep -x containerd >/dev/null || pgrep -x rootlesskit >/dev/null || exit 0; sleep 0.1; done; exit 1`;

/**
 * A new sandbox's own Docker (and anything else of the learner's: nobody has a shell in it yet) only has
 * to be gone before its home is replaced, so it is killed rather than asked to stop: ~0.3 s instead of ~1.5 s.
 */
const KILL_LEARNER = `pkill -KILL -u learner; for i in $(seq 50); do pgrep -u learner >/dev/null || exit 0; sleep 0.1; done; exit 1`;

export function createHomeArchiver(opts: { diskDir: string; podman?: string }): HomeArchiver {
  const podman = opts.podman ?? "podman";

  async function inspect(sandboxId: string): Promise<{ running: boolean; uidMap: string[]; gidMap: string[] }> {
    const result = await runHostCommandOk(podman, ["inspect", "--format", "{{json .State.Running}} {{json .HostConfig.IDMappings}}", sandboxId]);
    const text = result.stdout.toString("utf8").trim();
    const space = text.indexOf(" ");
    const maps = JSON.parse(text.slice(space + 1)) as { UidMap: string[]; GidMap: string[] };
    return { running: text.slice(0, space) === "true", uidMap: maps.UidMap, gidMap: maps.GidMap };
  }

  async function stopDocker(sandboxId: string, script = STOP_DOCKER): Promise<void> {
    await runHostCommand(podman, ["exec", "--user", "root", sandboxId, "sh", "-c", script]);
  }

  return {
    async save(sandboxId, file, { maxBytes, withoutDocker }) {
      const state = await inspect(sandboxId);
      if (state.running) {
        await stopDocker(sandboxId);
        await runHostCommandOk(podman, ["stop", "--time", "5", sandboxId]);
      }
      const disk = sandboxDisk(opts.diskDir, sandboxId);
      await ensureDiskMounted(disk);
      const excludes = [...EXCLUDE_ALWAYS, ...(withoutDocker ? [DOCKER_STORAGE] : [])].map((p) => `--exclude=${p}`);
      // head stops the pipeline one byte past the cap, so an oversized home never fills the lab's disk.
      const script = `set -o pipefail; ${NSENTER} tar ${TAR_OWNERSHIP.join(" ")} ${excludes.join(" ")} --one-file-system -cf - . | zstd -q -T0 ${ZSTD_LEVEL} | head -c "$3" > "$4"`;
      const size = await inNamespace(state, async (pid) => {
        const result = await runHostCommand("bash", ["-c", script, "bash", String(pid), disk.mountpoint, String(maxBytes + 1), file]);
        const { size } = await stat(file);
        if (size > maxBytes) return null;
        if (result.exitCode !== 0) throw new Error(`archiving the home of ${sandboxId} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
        return size;
      });
      if (size === null) await rm(file, { force: true });
      return size;
    },

    async restore(sandboxId, file) {
      const state = await inspect(sandboxId);
      if (!state.running) throw new Error(`sandbox ${sandboxId} is not running`);
      await stopDocker(sandboxId, KILL_LEARNER);
      const disk = sandboxDisk(opts.diskDir, sandboxId);
      // What the new home held (the skeleton dotfiles, Docker's empty store) goes: the archive is the whole home.
      // Unpacking writes every file of the home again (a gigabyte with one base image), and on this loop-mounted ext4
      // each journal commit's write barrier makes the loop device flush its backing file: without barriers while it
      // unpacks, it took ~20 % less time (8.7 s against 10.7 s for 700 MB and 54,000 files on the loaded 2-core host).
      // Nothing is at risk meanwhile: the snapshot is deleted only after the restore and Docker's start succeeded.
      const script = `set -o pipefail; mount -o remount,nobarrier "$2" && trap 'mount -o remount,barrier "$2"' EXIT; ${NSENTER} find . -mindepth 1 -delete && zstd -q -d -c -- "$3" | ${NSENTER} tar ${TAR_OWNERSHIP.join(" ")} --same-owner --same-permissions -xf -`;
      await inNamespace(state, async (pid) => {
        const result = await runHostCommand("bash", ["-c", script, "bash", String(pid), disk.mountpoint, file]);
        if (result.exitCode !== 0) throw new Error(`unpacking the kept home into ${sandboxId} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
      });
    },
  };
}

/** Runs `work` with the pid of a process holding a user namespace mapped as the sandbox's. */
async function inNamespace<T>(maps: { uidMap: string[]; gidMap: string[] }, work: (pid: number) => Promise<T>): Promise<T> {
  const holder = spawn("unshare", ["--user", "--", "sh", "-c", "echo ready && exec sleep infinity"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    await firstLine(holder);
    // Podman's "inside:host:count" becomes the kernel's "inside host count".
    const lines = (ranges: string[]) => ranges.map((r) => r.split(":").join(" ")).join("\n") + "\n";
    await writeFile(`/proc/${holder.pid}/uid_map`, lines(maps.uidMap));
    await writeFile(`/proc/${holder.pid}/gid_map`, lines(maps.gidMap));
    return await work(holder.pid!);
  } finally {
    holder.kill("SIGKILL");
  }
}

function firstLine(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.once("data", () => resolve());
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`unshare --user exited ${code}: ${err.trim()}`)));
  });
}
