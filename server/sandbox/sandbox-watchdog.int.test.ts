import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { useTestDatabase } from "@/server/db/test-databases.test-support";
import { TerminalHub } from "@/server/terminal/terminal-hub";
import type { AttachInfo, DetachReason, TerminalSession, TerminalViewer } from "@/server/terminal/terminal-session";
import { restoreExerciseFiles } from "@/server/workspace/restore-exercise-files";
import { saveLearnerFile } from "@/server/exercises/save-learner-file";
import { savedVersionsOf } from "@/server/workspace/saved-versions";
import { SharedListings } from "@/server/workspace/shared-listing";
import { runHostCommand } from "./host-command";
import { asLearner, cleanUpInOrder, createTestDriver, requireSandboxImage, TEST_DISK_DIR, testConfig } from "./int-test-kit.test-support";
import { recoveryMessage } from "./sandbox-faults";
import { SandboxManager, type SandboxRecovery } from "./sandbox-manager";
import { sandboxDisk, type IdMappings } from "./sandbox-disk";
import { createMemorySandboxStore } from "./sandbox-store";
import { noticeWhenAttached, SandboxWatchdog } from "./sandbox-watchdog";

/**
 * Faults injected into a real sandbox, the way they happen: the container killed from outside, Docker killed inside,
 * memory filled by programs that allocate, processes exhausted. Each time the watchdog and the manager bring the same
 * sandbox back, the learner's file and the image they built are still there, and the learner was told, in their
 * terminal (the real hub, tmux in the sandbox, a tab that reconnects as the browser's does) and by the event that
 * goes to their page. Then the container removed from outside (`podman rm -f`) with its disk kept: a new container on
 * that disk, the same work (also when another sandbox took the disk's host id range meanwhile); and last, container and
 * disk both gone: a new sandbox with the exercise files of the chapters the learner has progress in.
 * Nothing is timed: each step polls for its state up to a generous deadline.
 */
const { driver, cleanup } = createTestDriver("watchdog");
const LEARNER = "learner-durable";
const LIMITS = { memoryMb: 1024, cpus: 1, pids: 512, diskMb: 2048 };
const recoveries: SandboxRecovery[] = [];
let manager: SandboxManager;
let hub: TerminalHub;
let watchdog: SandboxWatchdog;
let sandbox = "";

/** A browser tab: shows what the terminal prints, and when the sandbox goes away under it, reconnects as terminal-link.ts does unless the lab says to wait. */
class Tab implements TerminalViewer {
  screen = "";
  ends: { reason: DetachReason; waits: boolean }[] = [];
  session: TerminalSession | null = null;
  private closed = false;

  async open(): Promise<void> {
    this.session = await hub.attach(LEARNER, this, { cols: 200, rows: 50 }, () => {});
  }

  start(info: AttachInfo): void {
    if (info.restore) this.screen += Buffer.from(info.restore).toString("utf8");
    for (const chunk of info.replay) this.screen += Buffer.from(chunk).toString("utf8");
  }

  output(chunk: Uint8Array): void {
    this.screen += Buffer.from(chunk).toString("utf8");
  }

  end(reason: DetachReason): void {
    this.session = null;
    const waits = reason === "lost" && hub.waitsForLearner(LEARNER);
    this.ends.push({ reason, waits });
    if (this.closed || waits || reason === "shell-exited") return;
    setTimeout(() => void this.open().catch(() => setTimeout(() => void this.open(), 1000)), 250);
  }

  close(): void {
    this.closed = true;
    if (this.session) hub.detach(LEARNER, this.session, this);
  }
}
let tab: Tab;

/**
 * `podman rm -f` of the sandbox's container, its disk left alone: the fault. podman 4.3 sometimes cannot remove a
 * container that just started ("device or resource busy" while its mounts settle; the driver's destroy() knows it
 * too), so that one error is tried again; any other fails the test with podman's words.
 */
/** The other containers whose host ids overlap the first uid range of MAPS. */
async function othersHolding(maps: IdMappings, except: string): Promise<string[]> {
  const [, from, count] = maps.UidMap[0].split(":").map(Number);
  const names = (await runHostCommand("podman", ["ps", "--all", "--format", "{{.Names}}"])).stdout.toString("utf8").split("\n").filter((n) => n && n !== except);
  const held: string[] = [];
  for (const name of names) {
    const out = (await runHostCommand("podman", ["inspect", "--format", "{{json .HostConfig.IDMappings}}", name])).stdout.toString("utf8").trim();
    const other = out ? (JSON.parse(out) as Partial<IdMappings> | null) : null;
    const overlaps = (other?.UidMap ?? []).some((m) => {
      const [, host, n] = m.split(":").map(Number);
      return host < from + count && from < host + n;
    });
    if (overlaps) held.push(name);
  }
  return held;
}

/** Removes the container now named NAME; resolves with its id. */
async function removeContainer(name: string): Promise<string> {
  // By its id, not its name: podman 4.3 may report "busy" for a removal that went through, and the lab may have made
  // a new container of the same name by the next try (a tab reconnecting); a retry by name would remove that one.
  const id = (await runHostCommand("podman", ["inspect", "--format", "{{.Id}}", name])).stdout.toString("utf8").trim();
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  for (let attempt = 1; ; attempt++) {
    const r = await runHostCommand("podman", ["rm", "--force", "--time", "0", id]);
    if (r.exitCode === 0 || (attempt > 1 && /no such container|no container with/i.test(r.stderr))) return id;
    if (attempt === 3 || !/busy/i.test(r.stderr)) throw new Error(`podman rm ${name} exited ${r.exitCode}: ${r.stderr.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
}

async function until<T>(what: string, read: () => Promise<T> | T, done: (value: T) => boolean, deadlineMs = 180_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}; last: ${JSON.stringify(value)?.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The learner's work, read from inside the sandbox: their file and the image they built. */
async function work(): Promise<string> {
  const r = await asLearner(driver, sandbox, "cat ~/docker-node-hello/notes.txt; docker image inspect --format 'image {{.Id}}' mine:1 | cut -c1-20", 60_000);
  return r.stdout + r.stderr;
}

let imageLine = "";
const store = createMemorySandboxStore();

/** The lab's sandbox manager; a second one on the same store is the lab started again. */
function labManager(): SandboxManager {
  return new SandboxManager({
    driver,
    store,
    limits: LIMITS,
    poolSize: 0,
    idleTimeoutMs: 60 * 60_000,
    maxLifetimeMs: 480 * 60_000,
    onRecovered: (r) => {
      recoveries.push(r);
      noticeWhenAttached((learnerId, line) => hub.notice(learnerId, line), r.learnerId, recoveryMessage(r.fault, r.action, LIMITS));
    },
  });
}
let database: Awaited<ReturnType<typeof useTestDatabase>> | undefined;
/** A container made only to hold the disk's old host id range (the collision case). */
const BLOCKER = `layerlab-blocker-${process.pid}`;

beforeAll(async () => {
  await requireSandboxImage();
  database = await useTestDatabase("sqlite");
  manager = labManager();
  await manager.start();
  hub = new TerminalHub({
    driver,
    sandboxes: {
      acquire: async (learnerId, onProgress) => ({ id: (await manager.acquire(learnerId, onProgress && ((p) => onProgress({ phase: p.phase, message: p.phase })))).sandboxId }),
      touch: (learnerId) => manager.touch(learnerId),
      isIdle: (learnerId) => manager.isIdle(learnerId),
    },
  });
  watchdog = new SandboxWatchdog({
    sandboxes: () => manager.watched(),
    diskDir: TEST_DISK_DIR,
    exec: (id, command, options) => driver.exec(id, command, options),
    recover: (learnerId, sandboxId, fault) => manager.recover(learnerId, sandboxId, fault),
    intervalMs: 1000,
    // 15 s and 45 s in the lab; shorter here, still many rounds.
    policy: { memoryWindowMs: 5000, processWindowMs: 8000 },
    maxRepairs: 10,
  });
  sandbox = (await manager.acquire(LEARNER)).sandboxId;
  tab = new Tab();
  await tab.open();
  await until("the prompt", () => tab.screen, (s) => /\$ /.test(s));
  const made = await asLearner(
    driver,
    sandbox,
    "mkdir -p ~/docker-node-hello && echo 'my notes' > ~/docker-node-hello/notes.txt && printf 'FROM busybox\\nRUN echo mine > /mine.txt\\n' | docker build -q -t mine:1 - >/dev/null && docker image inspect --format 'image {{.Id}}' mine:1 | cut -c1-20",
    300_000,
  );
  expect(made.exitCode, made.stderr).toBe(0);
  imageLine = made.stdout;
  watchdog.start();
});

afterAll(() =>
  cleanUpInOrder(
    () => watchdog?.stop(),
    () => tab?.close(),
    () => hub?.closeAll(),
    () => manager?.shutdown(),
    () => runHostCommand("podman", ["rm", "--force", "--ignore", BLOCKER]),
    cleanup,
    () => database?.release(),
  ),
);

describe("sandbox watchdog and revival on a real sandbox", () => {
  it("leaves a healthy sandbox alone (positive control: the work is there, rounds pass, nothing is repaired)", async () => {
    expect(await work()).toBe(`my notes\n${imageLine}`);
    const before = (await driver.list()).find((s) => s.id === sandbox);
    for (let i = 0; i < 4; i++) await watchdog.check();
    expect(recoveries).toEqual([]);
    expect((await driver.list()).find((s) => s.id === sandbox)?.createdAt).toEqual(before?.createdAt);
  });

  it("starts Docker again when dockerd is killed, and says so in the terminal and on the page", async () => {
    const killed = await driver.exec(sandbox, ["pkill", "-9", "-x", "dockerd"], { user: "root" });
    expect(killed.exitCode).toBe(0);
    // The fault is real: Docker does not answer.
    expect((await asLearner(driver, sandbox, "docker version --format '{{.Server.Version}}'", 30_000)).exitCode).not.toBe(0);
    const r = await until("the recovery", () => recoveries.at(-1), (x) => x !== undefined);
    expect(r).toMatchObject({ learnerId: LEARNER, sandboxId: sandbox, fault: "docker", action: "docker-restarted" });
    expect(await work()).toBe(`my notes\n${imageLine}`);
    await until("the notice", () => tab.screen, (s) => s.includes("Docker stopped answering in your sandbox, so the lab started Docker again."));
    expect(tab.ends).toEqual([]);
  });

  it("starts the same sandbox again after `podman kill`; the tab reconnects by itself into it", async () => {
    recoveries.length = 0;
    expect((await runHostCommand("podman", ["kill", sandbox])).exitCode).toBe(0);
    await until("the tab to lose its shell", () => tab.ends.length, (n) => n > 0);
    // The learner was active: the tab does not wait for them (close 1001, not 4003).
    expect(tab.ends[0]).toEqual({ reason: "lost", waits: false });
    const r = await until("the recovery", () => recoveries.at(-1), (x) => x !== undefined);
    expect(r).toMatchObject({ learnerId: LEARNER, sandboxId: sandbox, fault: "stopped", action: "started" });
    expect((await manager.acquire(LEARNER)).sandboxId).toBe(sandbox);
    expect(await work()).toBe(`my notes\n${imageLine}`);
    await until("the notice after the tab reconnected", () => tab.screen, (s) => s.includes("Your sandbox stopped unexpectedly"));
    tab.ends.length = 0;
  });

  it("restarts a sandbox whose memory is kept full by programs that allocate, disk kept, and says why", async () => {
    recoveries.length = 0;
    await until("the tab attached", () => hub.isAttached(LEARNER), (x) => x);
    // Forty loops each allocating up to 600 MB (tail holds a line without end) against a 1 GB limit: the OOM killer kills one, others refill.
    const hog = await driver.exec(sandbox, ["bash", "-c", "for i in $(seq 1 40); do setsid nohup sh -c 'while :; do head -c 600m /dev/zero | tail; done' >/dev/null 2>&1 & done; echo started"], { timeoutMs: 30_000 });
    expect(hog.stdout).toBe("started\n");
    const r = await until("the recovery", () => recoveries.at(-1), (x) => x !== undefined);
    expect(r).toMatchObject({ learnerId: LEARNER, sandboxId: sandbox, fault: "memory", action: "restarted" });
    // The hog went with the restart; the work did not.
    expect((await driver.exec(sandbox, ["pgrep", "-c", "tail"], { user: "root" })).stdout.trim()).toBe("0");
    expect(await work()).toBe(`my notes\n${imageLine}`);
    await until("the notice", () => tab.screen, (s) => s.includes("Your sandbox ran out of memory"));
    expect(tab.screen).toContain("(its limit is 1 GB)");
    tab.ends.length = 0;
  }, 400_000);

  it("restarts a sandbox stuck at its process limit (processes outside the terminal, so no fork-bomb kill helps), disk kept", async () => {
    recoveries.length = 0;
    await until("the tab attached", () => hub.isAttached(LEARNER), (x) => x);
    const cgroup = (await runHostCommand("podman", ["inspect", "--format", "{{.State.CgroupPath}}", sandbox])).stdout.toString("utf8").trim();
    const bomb = await driver.exec(sandbox, ["bash", "-c", "setsid nohup bash -c 'while :; do setsid sleep 3600 & done' >/dev/null 2>&1 & echo started"], { timeoutMs: 30_000 });
    expect(bomb.stdout).toBe("started\n");
    // The fault is real: forks are refused at the limit.
    await until("forks refused at the limit", async () => (await runHostCommand("cat", [`/sys/fs/cgroup/pids${cgroup}/pids.events`])).stdout.toString("utf8"), (s) => Number(/max (\d+)/.exec(s)?.[1]) > 0);
    const r = await until("the recovery", () => recoveries.at(-1), (x) => x !== undefined);
    expect(r).toMatchObject({ learnerId: LEARNER, sandboxId: sandbox, fault: "processes", action: "restarted" });
    expect(await work()).toBe(`my notes\n${imageLine}`);
    await until("the notice", () => tab.screen, (s) => s.includes(`Your sandbox hit its process limit (${LIMITS.pids}) and stayed there`));
  }, 400_000);

  it("makes a new container on the disk after `podman rm -f`: the same sandbox, files and images there, the learner told", async () => {
    recoveries.length = 0;
    tab.ends.length = 0;
    await until("the tab attached", () => hub.isAttached(LEARNER), (x) => x);
    const disk = sandboxDisk(TEST_DISK_DIR, sandbox);
    const mappings = readFileSync(disk.idMappings, "utf8");
    const removed = await removeContainer(sandbox);
    // The fault is real: the container is gone (the lab may have made the next one already: another id), the disk not.
    expect(existsSync(disk.image)).toBe(true);
    const r = await until("the recovery", () => recoveries.at(-1), (x) => x !== undefined);
    expect(r).toMatchObject({ learnerId: LEARNER, sandboxId: sandbox, fault: "removed", action: "recreated" });
    expect((await manager.acquire(LEARNER)).sandboxId).toBe(sandbox);
    expect((await runHostCommand("podman", ["inspect", "--format", "{{.Id}}", sandbox])).stdout.toString("utf8").trim()).not.toBe(removed);
    // The new container maps the old host ids, so nothing on the disk was re-owned; unless another sandbox took them
    // meanwhile (a lab beside this test makes sandboxes too, and a freed range is the next one handed out).
    if (readFileSync(disk.idMappings, "utf8") !== mappings) expect(await othersHolding(JSON.parse(mappings) as IdMappings, sandbox)).not.toEqual([]);
    expect(await work()).toBe(`my notes\n${imageLine}`);
    await until("the notice after the tab reconnected", () => tab.screen, (s) => s.includes("Your sandbox's container was removed from outside; its disk, which holds your files and images, was not, so the lab made a new container on that same disk."));
  }, 400_000);

  it("when another sandbox took the disk's host ids, re-owns the disk into the new container's: files, images and set-id bits intact", async () => {
    // The watchdog is done: this case and the next go through the learner's return (acquire), with nothing racing them.
    await watchdog.stop();
    recoveries.length = 0;
    const disk = sandboxDisk(TEST_DISK_DIR, sandbox);
    const old = JSON.parse(readFileSync(disk.idMappings, "utf8")) as IdMappings;
    const setuid = await driver.exec(sandbox, ["sh", "-c", "cp /bin/true ~/suid-true && chmod 4755 ~/suid-true && stat -c %a ~/suid-true"], { user: "learner" });
    expect(setuid.stdout).toBe("4755\n");
    // Another container holds the old range, as the next sandbox made would (the lowest free range goes out again).
    // Made before the removal: the tab reconnects at once, and the lab's new container must find the range taken.
    const blocker = await runHostCommand("podman", ["create", "--name", BLOCKER, ...old.UidMap.flatMap((m) => ["--uidmap", m]), ...old.GidMap.flatMap((m) => ["--gidmap", m]), testConfig.LAYERLAB_SANDBOX_IMAGE, "true"]);
    expect(blocker.exitCode, blocker.stderr).toBe(0);
    await removeContainer(sandbox);
    const back = await manager.acquire(LEARNER).finally(() => runHostCommand("podman", ["rm", "--force", BLOCKER]));
    expect(back.sandboxId).toBe(sandbox);
    expect(recoveries.at(-1)).toMatchObject({ fault: "removed", action: "recreated" });
    const now = JSON.parse(readFileSync(disk.idMappings, "utf8")) as IdMappings;
    expect(now.UidMap[0]).not.toBe(old.UidMap[0]);
    // Re-owned: the learner owns their home and files as the sandbox sees them, Docker's store is usable.
    expect(statSync(disk.mountpoint).uid).toBe(Number(now.UidMap[0].split(":")[1]) + 1000);
    const owners = await asLearner(driver, sandbox, "stat -c '%U %a' ~/docker-node-hello/notes.txt ~/suid-true && docker run --rm mine:1 cat /mine.txt", 120_000);
    expect(owners.stdout).toBe("learner 644\nlearner 4755\nmine\n");
    expect(await work()).toBe(`my notes\n${imageLine}`);
  }, 400_000);

  it("a container removed while the lab was down: the lab's start spares its disk, the learner's return makes the container", async () => {
    recoveries.length = 0;
    await manager.shutdown();
    await removeContainer(sandbox);
    manager = labManager();
    await manager.start();
    expect(existsSync(sandboxDisk(TEST_DISK_DIR, sandbox).image)).toBe(true);
    expect((await manager.acquire(LEARNER)).sandboxId).toBe(sandbox);
    expect(recoveries).toEqual([expect.objectContaining({ learnerId: LEARNER, sandboxId: sandbox, fault: "removed", action: "recreated" })]);
    expect(await work()).toBe(`my notes\n${imageLine}`);
  }, 400_000);

  it("when container and disk are both gone, gives a new sandbox with the learner's saved Dockerfile and the chapter's other files, and says so", async () => {
    recoveries.length = 0;
    await db().learner.create({ data: { id: LEARNER, displayName: "Durable" } });
    await db().stepProgress.create({ data: { learnerId: LEARNER, chapterId: "anatomy", stepId: "build" } });
    // The learner saves their Dockerfile from the editor (the route's use case, into the real sandbox); the lab keeps a copy.
    const savedDir = mkdtempSync(path.join(os.tmpdir(), "layerlab-saved-"));
    const lab = { driver, sandboxes: manager, checks: { request: async () => {} }, config: { ...testConfig, LAYERLAB_DATA_DIR: savedDir }, listings: new SharedListings() } as unknown as Parameters<typeof saveLearnerFile>[0];
    const body = JSON.stringify({ content: "FROM node:18\n# my own edit\n", baseHash: null });
    const request = new Request("http://lab/files/Dockerfile", { method: "PUT", body, headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } });
    const response = await saveLearnerFile(lab, LEARNER, { workdir: "/home/learner/docker-node-hello", recheck: false }, request, { path: ["Dockerfile"] });
    expect(response.status, await response.clone().text()).toBe(200);
    const saved = savedVersionsOf(lab.config);
    // Container and disk removed, as an operator's cleanup would.
    await driver.destroy(sandbox);
    const fresh = await manager.acquire(LEARNER);
    expect(fresh.sandboxId).not.toBe(sandbox);
    const r = recoveries.at(-1)!;
    expect(r).toMatchObject({ sandboxId: fresh.sandboxId, fault: "gone", action: "replaced" });
    expect(recoveryMessage(r.fault, r.action, LIMITS)).toContain("The exercise files of your chapters are back in place");
    // What the lab does on "replaced" (server/lab.ts): chapter 01's starting files come back.
    expect(await restoreExerciseFiles(driver, LEARNER, fresh.sandboxId, saved)).toEqual(["anatomy"]);
    rmSync(savedDir, { recursive: true, force: true });
    const files = await asLearner(driver, fresh.sandboxId, "ls ~/docker-node-hello; tail -1 ~/docker-node-hello/Dockerfile; docker image ls -q mine:1 | wc -l");
    expect(files.stdout).toBe("Dockerfile\nindex.js\npackage.json\n# my own edit\n0\n");
    // Progress lives in the lab's database: the replacement kept it.
    expect(await db().stepProgress.count({ where: { learnerId: LEARNER } })).toBe(1);
    sandbox = fresh.sandboxId;
  }, 400_000);
});
