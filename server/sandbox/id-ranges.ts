import "server-only";
import { readFile } from "node:fs/promises";
import lockfile from "proper-lockfile";
import { runHostCommand, runHostCommandOk } from "./host-command";
import type { IdMappings } from "./sandbox-disk";

/**
 * Host id ranges for sandboxes' user namespaces, picked by the lab rather than by podman's --userns=auto.
 *
 * Why: podman 4.3's --userns=auto fills a free hole smaller than the size asked for and takes the rest elsewhere,
 * a split mapping; a container made with one cannot mount its overlay root (permission denied), so every new
 * sandbox failed while such a hole stayed. A hole appears when a container with ranges of its own (a sandbox made
 * again on its kept disk) sits beside freed ones. The lab asks for one contiguous range instead.
 */

/** A host id interval [from, to). */
export type HostRange = [number, number];

/** Host-wide, like podman's own storage: every lab, test run and bench on this host picks ranges under it. */
const ID_RANGE_LOCK = "/run/lock/layerlab-id-ranges";
/**
 * A sandbox's user namespace: root, the learner (1000) and the learner's own subordinate range for rootless Docker
 * (100000-165535, from the image's /etc/subuid) must all be mapped.
 */
export const USERNS_SIZE = 200_000;

/** The lowest start of `size` free ids inside the allotment, clear of every taken range; null when none is left. */
export function lowestFreeRange(taken: HostRange[], allotment: HostRange, size: number): number | null {
  let start = allotment[0];
  for (const [from, to] of [...taken].sort((a, b) => a[0] - b[0])) {
    if (to <= start) continue;
    if (from >= start + size) break;
    start = to;
  }
  return start + size <= allotment[1] ? start : null;
}

/** The subordinate ids of `user` in an /etc/subuid-style file, which podman hands to user namespaces. */
export async function subordinateRange(file: string, user: string): Promise<HostRange> {
  const line = (await readFile(file, "utf8")).split("\n").find((l) => l.startsWith(`${user}:`));
  const [, start, count] = (line ?? "").split(":").map(Number);
  if (!line || !Number.isSafeInteger(start) || !Number.isSafeInteger(count) || count <= 0) throw new Error(`${file} gives ${user} no subordinate ids (scripts/host-setup.sh writes them)`);
  return [start, start + count];
}

/**
 * Runs `fn` (pick a range, make the container that holds it) while no other process of this host does the same:
 * every lab, test run and bench on the host shares one podman. A holder that died is taken over after 10 s.
 */
async function withIdRangeLock<T>(fn: () => Promise<T>): Promise<T> {
  const release = await lockfile.lock(ID_RANGE_LOCK, {
    realpath: false,
    stale: 10_000,
    retries: { retries: 600, minTimeout: 50, maxTimeout: 200 },
    // Only an event loop stalled past `stale` loses the lock; the library's default would throw out of a timer.
    onCompromised: (error) => console.error("layerlab: the host id range lock was taken over", error.message),
  });
  try {
    return await fn();
  } finally {
    await release();
  }
}

/** The host ids [from, to) of one of podman's "inside:host:count" ranges. */
function hostRange(range: string): HostRange {
  const [, host, count] = range.split(":").map(Number);
  return [host, host + count];
}

/** Host id ranges (uid and gid) every container of this podman but `except` maps. */
async function rangesInUse(podman: string, except: string): Promise<HostRange[]> {
  const ids = (await runHostCommandOk(podman, ["ps", "--all", "--format", "{{.Names}}"])).stdout.toString("utf8").split("\n").filter((n) => n && n !== except);
  if (!ids.length) return [];
  const result = await runHostCommand(podman, ["inspect", "--type", "container", "--format", "{{json .HostConfig.IDMappings}}", ...ids]);
  // One removed between the two calls: inspect prints the others and fails for it, which is fine here. Any other
  // failure could hide a range in use, and a sandbox made on it would share a learner's ids.
  const others = result.stderr.split("\n").filter((l) => l.trim() && !/no such container/i.test(l));
  if (result.exitCode !== 0 && others.length) throw new Error(`reading the host id ranges in use failed: ${others.join(" ")}`);
  return result.stdout
    .toString("utf8")
    .split("\n")
    .filter(Boolean)
    .flatMap((line) => {
      const maps = JSON.parse(line) as Partial<IdMappings> | null;
      return [...(maps?.UidMap ?? []), ...(maps?.GidMap ?? [])].map(hostRange);
    });
}

/**
 * Makes the container `id` (`args` builds its `podman create`) with one contiguous host range for its ids: `keep`
 * when that is still free (a container made again on a kept disk), else the lowest free one. Picking and making
 * happen under the host's id-range lock, so two sandboxes made at once never share ids.
 */
export async function createWithIdRange(
  podman: string,
  id: string,
  args: (idMappings: IdMappings) => string[],
  keep?: IdMappings,
): Promise<IdMappings> {
  return withIdRangeLock(async () => {
    const taken = await rangesInUse(podman, id);
    const clear = ([from, to]: HostRange) => taken.every(([a, b]) => to <= a || b <= from);
    let maps = keep && [...keep.UidMap, ...keep.GidMap].map(hostRange).every(clear) ? keep : undefined;
    if (!maps) {
      const [uids, gids] = await Promise.all([subordinateRange("/etc/subuid", "containers"), subordinateRange("/etc/subgid", "containers")]);
      const start = lowestFreeRange(taken, [Math.max(uids[0], gids[0]), Math.min(uids[1], gids[1])], USERNS_SIZE);
      if (start === null) throw new Error(`no ${USERNS_SIZE} host ids are free for another sandbox: this host holds as many as its /etc/subuid allows`);
      maps = { UidMap: [`0:${start}:${USERNS_SIZE}`], GidMap: [`0:${start}:${USERNS_SIZE}`] };
    }
    await runHostCommandOk(podman, args(maps));
    return maps;
  });
}
