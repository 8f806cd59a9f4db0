import { spawnSync } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxLimits } from "./driver";
import { sandboxDisk } from "./sandbox-disk";
import { asLearner, cleanUpInOrder, createTestDriver, requireSandboxImage, sandboxCgroup, TEST_DISK_DIR, testLimits } from "./int-test-kit.test-support";

/**
 * One learner's excess must stay in their sandbox: a small "victim" sandbox is pushed past each of
 * its limits while a "bystander" sandbox and the host are watched.
 */
const { driver, cleanup } = createTestDriver("limits");
const victimLimits: SandboxLimits = { memoryMb: 512, cpus: 1, pids: 256, diskMb: 256 };
let victim = "";
let bystander = "";

/**
 * Host disk space the victim's home holds: the blocks allocated to its sparse backing file. Measured on
 * the file rather than as the host's free space, which other work on a shared machine moves too.
 */
async function victimDiskBytes(): Promise<number> {
  return (await stat(sandboxDisk(TEST_DISK_DIR, victim).image)).blocks * 512;
}

/** How long a trivial command takes in the bystander: it must stay responsive. */
async function bystanderLatencyMs(): Promise<number> {
  const started = Date.now();
  const r = await driver.exec(bystander, ["echo", "ok"], { timeoutMs: 20_000 });
  expect(r.stdout).toBe("ok\n");
  return Date.now() - started;
}

function hostLatencyMs(): number {
  const started = Date.now();
  expect(spawnSync("true").status).toBe(0);
  return Date.now() - started;
}

beforeAll(async () => {
  await requireSandboxImage();
  [victim, bystander] = await Promise.all([
    driver.create({ labels: {}, limits: victimLimits }),
    driver.create({ labels: {}, limits: { ...testLimits, memoryMb: 1024 } }),
  ]).then((s) => s.map((x) => x.id));
  for (const id of [victim, bystander]) {
    const docker = await driver.exec(id, ["layerlab-docker-start"], { user: "root", timeoutMs: 90_000 });
    expect(docker.exitCode, docker.stderr).toBe(0);
  }
});

afterAll(() => cleanUpInOrder(cleanup));

describe("sandbox limits", () => {
  it("OOM-kills a memory hog inside its sandbox only: Docker there, the other sandbox and the host carry on", async () => {
    const memory = await sandboxCgroup(victim, "memory");
    const hog = await asLearner(driver, victim, "tail /dev/zero", 90_000);
    expect(hog.timedOut).toBe(false);
    expect(hog.exitCode).toBe(137);
    expect(await readFile(`${memory}/memory.oom_control`, "utf8")).toMatch(/^oom_kill [1-9]/m);
    expect(Number(await readFile(`${memory}/memory.max_usage_in_bytes`, "utf8"))).toBeLessThanOrEqual(victimLimits.memoryMb * 1024 * 1024);
    // The hog was the biggest process, so it went, and the learner's Docker engine is still there.
    expect((await asLearner(driver, victim, "docker info --format '{{.ServerVersion}}'")).exitCode).toBe(0);
    expect(await bystanderLatencyMs()).toBeLessThan(3000);
    expect(hostLatencyMs()).toBeLessThan(1000);
  });

  it("fails with ENOSPC when the disk is full, the host's disk gives only that much, and rm gives it back", async () => {
    const before = await victimDiskBytes();
    const fill = await asLearner(driver, victim, "dd if=/dev/zero of=~/fill bs=1M count=400 status=none; echo rc=$?; sync; df --output=pcent ~ | tail -1");
    expect(fill.stderr).toContain("No space left on device");
    expect(fill.stdout).toMatch(/rc=1\n\s*100%/);
    const after = await victimDiskBytes();
    // Positive control for the reclaim below: the fill really took host space (most of the 256 MB disk).
    expect(after - before).toBeGreaterThan(150 * 1024 * 1024);
    expect(after).toBeLessThan((victimLimits.diskMb + 64) * 1024 * 1024);
    // Docker's storage is on the same disk, so the learner's images count against it too.
    expect((await asLearner(driver, victim, "df --output=pcent ~/.local/share/docker | tail -1")).stdout).toMatch(/100%/);
    expect((await asLearner(driver, victim, "rm ~/fill && df --output=pcent ~ | tail -1")).stdout.trim()).not.toBe("100%");
    // The disk is mounted with discard: the freed blocks are punched out of the sparse file at ext4's next
    // journal commit. Polled up to a deadline (not timed); back near where it was (Docker may write a little).
    const reclaimed = await pollUntil(victimDiskBytes, (bytes) => bytes - before < 16 * 1024 * 1024, 90_000);
    expect(reclaimed - before).toBeLessThan(16 * 1024 * 1024);
  });

  it("has no other disk to fill: the root file system is read-only, scratch space is memory", async () => {
    const root = await driver.exec(victim, ["touch", "/var/lib/probe"], { user: "root" });
    expect(root.stderr).toContain("Read-only file system");
    const mounts = await driver.exec(victim, ["sh", "-c", "findmnt -rn -o TARGET,FSTYPE /tmp; findmnt -rn -o TARGET,FSTYPE /var/tmp"]);
    expect(mounts.stdout).toBe("/tmp tmpfs\n/var/tmp tmpfs\n");
  });

  it("bounds /tmp well under the memory limit: filling it ends in ENOSPC and the sandbox and Docker keep answering", async () => {
    const memory = await sandboxCgroup(victim, "memory");
    const oomKillsBefore = oomKills(await readFile(`${memory}/memory.oom_control`, "utf8"));
    // Positive control: /tmp is writable scratch. And the learner's work, checked again once /tmp is full: a file, an image.
    expect((await asLearner(driver, victim, "echo hi > /tmp/small && cat /tmp/small && rm /tmp/small")).stdout).toBe("hi\n");
    const WORK = "cat ~/tmp-fill/kept.txt && docker image inspect --format image-kept mine/tmp-fill:1";
    const made = await asLearner(driver, victim, `mkdir -p ~/tmp-fill && echo my-file > ~/tmp-fill/kept.txt && printf 'FROM scratch\\nCOPY kept.txt /\\n' | docker build -q -t mine/tmp-fill:1 -f - ~/tmp-fill >/dev/null && ${WORK}`);
    expect(made.stdout, made.stderr).toBe("my-file\nimage-kept\n");
    const fill = await asLearner(driver, victim, "dd if=/dev/zero of=/tmp/fill bs=1M status=none; echo rc=$?; df -m --output=size /tmp | tail -1");
    expect(fill.stderr).toContain("No space left on device");
    const [, rc, sizeMb] = /rc=(\d+)\n\s*(\d+)/.exec(fill.stdout) ?? [];
    expect(rc).toBe("1");
    expect(Number(sizeMb)).toBeLessThanOrEqual(victimLimits.memoryMb / 4);
    // With /tmp full: podman exec, the learner's shell and Docker still answer, and nothing was OOM-killed.
    expect((await driver.exec(victim, ["echo", "alive"], { timeoutMs: 20_000 })).stdout).toBe("alive\n");
    expect((await asLearner(driver, victim, "docker info --format '{{.ServerVersion}}'")).exitCode).toBe(0);
    expect((await asLearner(driver, victim, WORK)).stdout).toBe("my-file\nimage-kept\n");
    expect(oomKills(await readFile(`${memory}/memory.oom_control`, "utf8"))).toBe(oomKillsBefore);
    expect((await asLearner(driver, victim, "rm /tmp/fill && echo hi > /tmp/small && cat /tmp/small")).stdout).toBe("hi\n");
  });

  it("keeps a fork bomb inside its pids limit while the other sandbox and the host keep working", async () => {
    const pids = await sandboxCgroup(victim, "pids");
    const bomb = asLearner(driver, victim, ":(){ :|:& };:", 15_000);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(Number(await readFile(`${pids}/pids.current`, "utf8"))).toBeLessThanOrEqual(victimLimits.pids);
    expect(await readFile(`${pids}/pids.events`, "utf8")).toMatch(/^max [1-9]/m);
    expect(await bystanderLatencyMs()).toBeLessThan(5000);
    expect(hostLatencyMs()).toBeLessThan(1000);
    await bomb;
    // `timeout` killed the bomb's process group; whatever escaped it is killed from the host.
    await killLearnerProcesses(pids);
    const alive = await driver.exec(victim, ["echo", "alive"], { timeoutMs: 20_000 });
    expect(alive.stdout).toBe("alive\n");
  });
});

function oomKills(oomControl: string): number {
  return Number(/^oom_kill (\d+)/m.exec(oomControl)?.[1] ?? NaN);
}

/** Reads `read` every 500 ms until `done` holds or `deadlineMs` passes; returns the last value (the caller asserts on it). */
async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, deadlineMs: number): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Kills the sandbox's shell processes from the host until the bomb is gone (forks fail at the limit, so this converges). */
async function killLearnerProcesses(pidsCgroup: string): Promise<void> {
  for (let round = 0; round < 50; round++) {
    const procs = (await readFile(`${pidsCgroup}/cgroup.procs`, "utf8")).split("\n").filter(Boolean);
    const bombs: number[] = [];
    for (const pid of procs) {
      const comm = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
      if (comm.trim() === "bash") bombs.push(Number(pid));
    }
    if (!bombs.length) return;
    for (const pid of bombs) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the fork bomb survived 50 rounds of kill -9");
}
