import "server-only";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import {
  SandboxUnavailableError,
  type ExecOptions,
  type ExecResult,
  type PtyCommand,
  type SandboxDriver,
  type SandboxInfo,
  type SandboxLimits,
  type SandboxStats,
} from "./driver";
import { runHostCommand, runHostCommandOk, type HostCommandResult } from "./host-command";
import {
  attachBaseStore,
  baseStoreMountArgs,
  baseStoreRecord,
  baseStoreVersions,
  baseStoreView,
  currentBaseStore,
  detachBaseStore,
  prepareBaseStoreView,
  readBaseStoreRecord,
  unmountBaseStoreView,
  seedEngineFromStore,
} from "./base-store";
import { createWithIdRange } from "./id-ranges";
import { createDisk, ensureDiskMounted, handDiskTo, readIdMappings, recordIdMappings, removeDisk, sandboxDisk, shiftOwners, type IdMappings } from "./sandbox-disk";

export interface PodmanDriverOptions {
  image: string;
  network: string;
  /** The lab registry as seen from inside a sandbox (host:port); the image's Docker start-up reads it. */
  registry: string;
  /** Absolute directory for the sandboxes' home disks (sparse files + their mount points). */
  diskDir: string;
  /**
   * Sandboxes carry `layerlab.instance=<this>` and list() sees only its own, so a test run or a
   * second lab on the same host never reconciles away another one's sandboxes.
   */
  instance: string;
  /**
   * Root of the shared base-image store (server/sandbox/base-store.ts). New sandboxes find the course's
   * base images there, unpacked, instead of pulling them; absent or unseeded: they pull as before.
   */
  baseStore?: string;
  podman?: string;
}

export const LEARNER_HOME = "/home/learner";
const LEARNER_UID = 1000;
const EXEC_GRACE_MS = 10_000;

/** Arguments of `podman create` for one sandbox, per the recipe in DESIGN.md. */
export function podmanCreateArgs(p: {
  id: string;
  image: string;
  network: string;
  registry: string;
  homeSource: string;
  limits: SandboxLimits;
  labels: Record<string, string>;
  /** The host id ranges of its user namespace (server/sandbox/id-ranges.ts picks them). */
  idMappings: IdMappings;
  /** The host directory holding this sandbox's view of the base-image store. */
  baseView?: string;
}): string[] {
  const args = [
    "create",
    "--name", p.id,
    // The image's prompt says learner@layerlab; tools that print the host name should agree.
    "--hostname", "layerlab",
    "--runtime", "runc",
    ...p.idMappings.UidMap.flatMap((m) => ["--uidmap", m]),
    ...p.idMappings.GidMap.flatMap((m) => ["--gidmap", m]),
    // PID 1 must reap the zombies that a learner's shells and Docker leave behind.
    "--init",
    // podman's default rlimits fail on this kernel ("error setting rlimit type 7").
    "--ulimit", "nofile=16384:16384",
    "--ulimit", "nproc=8192:8192",
    // What nested rootless Docker needs; the capabilities hold only inside the sandbox's user namespace.
    "--security-opt", "label=disable",
    "--security-opt", "unmask=ALL",
    "--device", "/dev/fuse",
    "--device", "/dev/net/tun",
    "--cap-add", "SYS_ADMIN,NET_ADMIN,NET_RAW,MKNOD,SYS_RESOURCE",
    // Only the home disk is persistent and writable: the root file system is read-only, and /tmp,
    // /var/tmp and /run are tmpfs. So no path fills the host's disk.
    "--read-only",
    ...scratchTmpfsArgs(p.limits.memoryMb),
    "--memory", `${p.limits.memoryMb}m`,
    // Equal to --memory: no swap, so a memory hog meets the OOM killer instead of thrashing the host.
    "--memory-swap", `${p.limits.memoryMb}m`,
    "--cpus", String(p.limits.cpus),
    "--pids-limit", String(p.limits.pids),
    "--mount", `type=bind,src=${p.homeSource},dst=${LEARNER_HOME}`,
    ...(p.baseView ? baseStoreMountArgs(p.baseView) : []),
    "--network", p.network,
    "--env", `LAYERLAB_REGISTRY=${p.registry}`,
    "--log-driver", "none",
  ];
  for (const [key, value] of Object.entries(p.labels)) args.push("--label", `${key}=${value}`);
  // The image's own command (layerlab-sandbox-init) prepares the home and starts Docker in the background.
  args.push(p.image);
  return args;
}

/**
 * Sizes of the sandbox's memory-backed scratch mounts, in MB. tmpfs pages are charged to the sandbox's
 * memory limit, and podman's default (half the host's RAM) let a learner fill /tmp until tmux and every
 * `podman exec` were OOM-killed. Sized as fractions of the memory limit (/tmp 1/4, /var/tmp 1/8, /run
 * 1/16, plus podman's 64 MB /dev/shm), all of them full still leave over half the limit to the shell,
 * tmux and Docker; filling one ends in ENOSPC there. Big scratch belongs on the home disk.
 */
export function scratchTmpfsSizesMb(memoryMb: number): Record<"/tmp" | "/var/tmp" | "/run", number> {
  return {
    "/tmp": Math.max(16, Math.floor(memoryMb / 4)),
    "/var/tmp": Math.max(8, Math.floor(memoryMb / 8)),
    "/run": Math.max(8, Math.floor(memoryMb / 16)),
  };
}

function scratchTmpfsArgs(memoryMb: number): string[] {
  // No mode: podman copies the image's directory (its mode and, for /run, its contents) into the tmpfs, as it did unsized.
  return Object.entries(scratchTmpfsSizesMb(memoryMb)).flatMap(([target, mb]) => ["--tmpfs", `${target}:rw,nosuid,nodev,size=${mb}m`]);
}

/** Arguments of `podman exec` (without the leading "exec"); wraps the command in `timeout` when one is asked for. */
export function podmanExecArgs(id: string, command: string[], opts: ExecOptions & { interactive?: boolean; tty?: boolean }): string[] {
  const user = opts.user ?? "learner";
  const args: string[] = [];
  if (opts.interactive) args.push("--interactive");
  if (opts.tty) args.push("--tty");
  args.push("--user", user, "--workdir", opts.cwd ?? (user === "learner" ? LEARNER_HOME : "/"));
  if (user === "learner") args.push("--env", `HOME=${LEARNER_HOME}`, "--env", "USER=learner");
  for (const [key, value] of Object.entries(opts.env ?? {})) args.push("--env", `${key}=${value}`);
  args.push(id);
  // Killing the podman client would leave the process running in the sandbox, so the time limit
  // is enforced inside: coreutils `timeout` signals the command's whole process group.
  if (opts.timeoutMs !== undefined) args.push("timeout", "--kill-after=2", `${Math.max(opts.timeoutMs, 1) / 1000}`);
  args.push(...command);
  return args;
}

/** Which host uid a sandbox uid maps to, from podman's "inside:host:count" ranges. */
export function hostIdFor(ranges: string[], insideId: number): number {
  for (const range of ranges) {
    const [inside, host, count] = range.split(":").map(Number);
    if (insideId >= inside && insideId < inside + count) return host + (insideId - inside);
  }
  throw new Error(`uid/gid ${insideId} is not mapped in ${JSON.stringify(ranges)}`);
}

interface PodmanPsEntry {
  Names: string[];
  Labels: Record<string, string> | null;
  Created: number;
  State: string;
}

export function createPodmanDriver(opts: PodmanDriverOptions): SandboxDriver {
  const podman = opts.podman ?? "podman";
  if (!path.isAbsolute(opts.diskDir)) throw new Error(`diskDir must be absolute, got ${opts.diskDir}`);

  async function run(args: string[], o: { stdin?: string | Buffer; killAfterMs?: number } = {}): Promise<HostCommandResult> {
    return runHostCommand(podman, args, o);
  }

  /** Turns podman's own failure to reach the container into SandboxUnavailableError. */
  function checkReachable(id: string, result: HostCommandResult): void {
    if ((result.exitCode === 125 || result.exitCode === 255) && /no such container|container state improper|no container with name or ID/i.test(result.stderr)) {
      throw new SandboxUnavailableError(id, result.stderr.trim());
    }
  }

  async function execRaw(id: string, command: string[], o: ExecOptions = {}): Promise<HostCommandResult & { timedOut: boolean }> {
    const started = Date.now();
    const args = ["exec", ...podmanExecArgs(id, command, { ...o, interactive: o.stdin !== undefined })];
    const result = await run(args, { stdin: o.stdin, killAfterMs: o.timeoutMs === undefined ? undefined : o.timeoutMs + EXEC_GRACE_MS });
    checkReachable(id, result);
    const timedOut =
      result.killed ||
      (o.timeoutMs !== undefined && (result.exitCode === 124 || result.exitCode === 137) && Date.now() - started >= o.timeoutMs);
    return { ...result, timedOut };
  }

  async function exec(id: string, command: string[], o: ExecOptions = {}): Promise<ExecResult> {
    const result = await execRaw(id, command, o);
    return { stdout: result.stdout.toString("utf8"), stderr: result.stderr, exitCode: result.exitCode, timedOut: result.timedOut };
  }

  async function destroy(id: string): Promise<void> {
    // podman 4.3 sometimes fails to remove a just-killed container's root file system ("device or
    // resource busy" while its processes are still being reaped); a moment later it succeeds.
    for (let attempt = 1; ; attempt++) {
      const result = await run(["rm", "--force", "--time", "0", "--ignore", id]);
      if (result.exitCode === 0) break;
      if (attempt === 3) throw new Error(`podman rm ${id} failed: ${result.stderr.trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
    await detachBaseStore(opts.diskDir, id);
    await removeDisk(sandboxDisk(opts.diskDir, id));
  }

  /** Mounts the sandbox's read-only view of the store's versions, idmapped into its user namespace. */
  async function mountBaseStore(id: string, versions: string, maps: IdMappings): Promise<void> {
    // A sandbox's ids may span several host ranges (one made before the lab picked ranges); the view maps them the same way.
    await attachBaseStore(versions, baseStoreView(opts.diskDir, id), maps);
  }

  /** With the lab registry down, IPAM may hand its address to a sandbox, which the network policy trusts as the registry. */
  function refuseRegistryAddress(ipAddrOutput: string): void {
    const registryIp = opts.registry.replace(/:\d+$/, "");
    if (new RegExp(`inet ${registryIp.replace(/\./g, "\\.")}/`).test(ipAddrOutput)) {
      throw new Error(`the sandbox got the lab registry's address ${registryIp}: is the layerlab-registry container running? (scripts/images/build-all.sh starts it)`);
    }
  }

  /**
   * Before a start: a sandbox made with the store needs its view mounted again after a host reboot (the
   * bind source must exist even when the store is off now; then its base images show as broken).
   */
  async function remountBaseStore(id: string): Promise<void> {
    if ((await readBaseStoreRecord(opts.diskDir, id)) === null) return;
    await prepareBaseStoreView(baseStoreView(opts.diskDir, id));
    if (!opts.baseStore) return;
    const inspected = await run(["inspect", "--type", "container", "--format", "{{json .HostConfig.IDMappings}}", id]);
    // No container: the start that follows says so, as SandboxUnavailableError (the lab then makes one again).
    if (inspected.exitCode !== 0) return;
    await mountBaseStore(id, baseStoreVersions(opts.baseStore), JSON.parse(inspected.stdout.toString("utf8")) as IdMappings);
  }

  return {
    async recreate(id, { labels, limits }) {
      const disk = sandboxDisk(opts.diskDir, id);
      if (!existsSync(disk.image)) throw new SandboxUnavailableError(id, `its home disk ${disk.image} is gone`);
      const old = await readIdMappings(disk);
      if (!old) throw new SandboxUnavailableError(id, "its disk was made before the lab recorded disks' id ranges");
      await ensureDiskMounted(disk);
      const allLabels = { ...labels, layerlab: "1", "layerlab.sandbox": id, "layerlab.instance": opts.instance };
      const baseView = (await readBaseStoreRecord(opts.diskDir, id)) === null ? undefined : baseStoreView(opts.diskDir, id);
      try {
        await run(["rm", "--force", "--time", "0", "--ignore", id]);
        // The disk's files belong to the old container's host ids: the same ranges again need no file re-owned. A
        // sandbox made since may hold them; then the new container gets a range of its own and the disk is re-owned
        // into it (seconds for a home holding images).
        const maps = await createWithIdRange(
          podman,
          id,
          (idMappings) => podmanCreateArgs({ id, image: opts.image, network: opts.network, registry: opts.registry, homeSource: disk.mountpoint, limits, labels: allLabels, idMappings, baseView }),
          old,
        );
        if (maps !== old) {
          await shiftOwners(disk.mountpoint, old, maps);
          await recordIdMappings(disk, maps);
        }
        // The store's view is mapped for the old container's ranges: map it for this one's.
        if (baseView) await unmountBaseStoreView(baseView);
        await remountBaseStore(id);
        await runHostCommandOk(podman, ["start", id]);
        const address = await exec(id, ["ip", "-4", "-o", "addr", "show", "dev", "eth0"], { user: "learner", timeoutMs: 30_000 });
        refuseRegistryAddress(address.stdout);
        return { id, createdAt: new Date(), running: true, labels: allLabels };
      } catch (error) {
        // The disk stays: it is the learner's work, and the next try (or the operator) may still use it.
        await run(["rm", "--force", "--time", "0", "--ignore", id]);
        throw error;
      }
    },

    async create({ labels, limits }) {
      const id = `layerlab-${randomBytes(6).toString("hex")}`;
      const disk = sandboxDisk(opts.diskDir, id);
      const allLabels = { ...labels, layerlab: "1", "layerlab.sandbox": id, "layerlab.instance": opts.instance };
      try {
        await createDisk(disk, limits.diskMb);
        const store = opts.baseStore ? await currentBaseStore(opts.baseStore) : null;
        const baseView = store ? baseStoreView(opts.diskDir, id) : undefined;
        if (baseView) await prepareBaseStoreView(baseView);
        const maps = await createWithIdRange(podman, id, (idMappings) =>
          podmanCreateArgs({ id, image: opts.image, network: opts.network, registry: opts.registry, homeSource: disk.mountpoint, limits, labels: allLabels, idMappings, baseView }),
        );
        // The disk's root must belong to the learner as mapped there.
        await recordIdMappings(disk, maps);
        const learner = { uid: hostIdFor(maps.UidMap, LEARNER_UID), gid: hostIdFor(maps.GidMap, LEARNER_UID) };
        await handDiskTo(disk, learner.uid, learner.gid);
        if (store) {
          await mountBaseStore(id, store.versions, maps);
          await seedEngineFromStore(store, disk.mountpoint, learner, baseStoreRecord(opts.diskDir, id));
        }
        await runHostCommandOk(podman, ["start", id]);
        // The home disk hides the image's /home/learner, so give the learner the usual dotfiles from
        // /etc/skel; and report the sandbox's address (one exec for both: each costs ~0.15 s).
        const setup = await exec(id, ["sh", "-c", `if [ -d /etc/skel ]; then cp -rT --preserve=mode,timestamps /etc/skel ${LEARNER_HOME}; fi && ip -4 -o addr show dev eth0`], { user: "learner", timeoutMs: 30_000 });
        if (setup.exitCode !== 0) throw new Error(`setting up the sandbox's home failed: ${setup.stderr.trim()}`);
        // With the lab registry down, IPAM may hand its address to a sandbox, which the network policy
        // trusts as the registry: a learner could then serve images to everyone. Refuse such a sandbox.
        refuseRegistryAddress(setup.stdout);
        return { id, createdAt: new Date(), running: true, labels: allLabels };
      } catch (error) {
        await destroy(id).catch(() => {});
        throw error;
      }
    },

    exec,

    ptyCommand(id, command, o = {}) {
      const env = { TERM: "xterm-256color", ...o.env };
      return { file: podman, args: ["exec", ...podmanExecArgs(id, command, { user: o.user, env, interactive: true, tty: true })] } satisfies PtyCommand;
    },

    async readFile(id, filePath) {
      const result = await execRaw(id, ["cat", "--", filePath], { user: "learner", timeoutMs: 30_000 });
      if (result.exitCode !== 0) throw fileError("read", filePath, result.stderr);
      return result.stdout;
    },

    async writeFile(id, filePath, data) {
      // Written by the learner, so the file is theirs; `cat >` keeps an existing file's mode (a script stays executable).
      const script = 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1"';
      const result = await execRaw(id, ["sh", "-c", script, "sh", filePath], { user: "learner", stdin: data, timeoutMs: 30_000 });
      if (result.exitCode !== 0) throw fileError("write", filePath, result.stderr);
    },

    async stats(id): Promise<SandboxStats> {
      const result = await run(["stats", "--no-stream", "--format", "{{json .ContainerStats}}", id]);
      checkReachable(id, result);
      if (result.exitCode !== 0) throw new SandboxUnavailableError(id, result.stderr.trim());
      const s = JSON.parse(result.stdout.toString("utf8")) as { MemUsage: number; CPU: number; PIDs: number };
      return { memoryBytes: s.MemUsage, cpuPercent: s.CPU, pids: s.PIDs };
    },

    async list(): Promise<SandboxInfo[]> {
      const result = await runHostCommandOk(podman, ["ps", "--all", "--filter", "label=layerlab=1", "--filter", `label=layerlab.instance=${opts.instance}`, "--format", "json"]);
      const entries = JSON.parse(result.stdout.toString("utf8") || "[]") as PodmanPsEntry[];
      return entries.map((e) => ({ id: e.Names[0], createdAt: new Date(e.Created * 1000), running: e.State === "running", labels: e.Labels ?? {} }));
    },

    async stop(id) {
      const result = await run(["stop", "--time", "5", id]);
      checkReachable(id, result);
      if (result.exitCode !== 0) throw new Error(`podman stop ${id} failed: ${result.stderr.trim()}`);
    },

    async start(id) {
      const disk = sandboxDisk(opts.diskDir, id);
      if (!existsSync(disk.image)) throw new SandboxUnavailableError(id, `its home disk ${disk.image} is gone`);
      // After a host reboot the loop mount is gone, and the bind mount would show an empty home.
      await ensureDiskMounted(disk);
      await remountBaseStore(id);
      // A disk made before the lab recorded id ranges gets them now, while its container is there to ask.
      if (!(await readIdMappings(disk))) {
        const inspected = await run(["inspect", "--format", "{{json .HostConfig.IDMappings}}", id]);
        if (inspected.exitCode === 0) await recordIdMappings(disk, JSON.parse(inspected.stdout.toString("utf8")) as IdMappings);
      }
      const result = await run(["start", id]);
      checkReachable(id, result);
      if (result.exitCode !== 0) throw new Error(`podman start ${id} failed: ${result.stderr.trim()}`);
    },

    destroy,

    async prune(keep = []) {
      const names = await runHostCommandOk(podman, ["ps", "--all", "--format", "{{.Names}}"]);
      const containers = new Set([...names.stdout.toString("utf8").split("\n"), ...keep]);
      const cleaned: string[] = [];
      for (const id of await diskIds(opts.diskDir)) {
        if (containers.has(id)) continue;
        const disk = sandboxDisk(opts.diskDir, id);
        // A disk younger than this may belong to a create under way in another process (it makes the disk first).
        const age = Date.now() - (await stat(disk.image).then((s) => s.mtimeMs, () => 0));
        if (age < ORPHAN_AGE_MS) continue;
        await detachBaseStore(opts.diskDir, id);
        await removeDisk(disk);
        cleaned.push(id);
      }
      return cleaned;
    },
  };
}

const ORPHAN_AGE_MS = 10 * 60_000;

/** Sandbox ids that have a disk (image file or mount point) or a view of the base-image store in the directory. */
async function diskIds(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as string[];
    throw error;
  });
  return [...new Set(entries.flatMap((name) => /^(layerlab-[0-9a-f]{12})(\.img|\.base)?$/.exec(name)?.[1] ?? []))];
}

function fileError(action: "read" | "write", filePath: string, stderr: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`cannot ${action} ${filePath} in the sandbox: ${stderr.trim()}`);
  if (/No such file or directory/.test(stderr)) error.code = "ENOENT";
  else if (/Permission denied/.test(stderr)) error.code = "EACCES";
  else if (/Is a directory/.test(stderr)) error.code = "EISDIR";
  else if (/No space left on device/.test(stderr)) error.code = "ENOSPC";
  return error;
}
