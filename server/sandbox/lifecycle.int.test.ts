import { existsSync } from "node:fs";
import pty from "node-pty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runHostCommandOk } from "./host-command";
import { asLearner, cleanUpInOrder, createTestDriver, requireSandboxImage, TEST_DISK_DIR, testLimits } from "./int-test-kit.test-support";
import { SandboxManager, type SandboxManagerOptions } from "./sandbox-manager";
import { createMemorySandboxStore } from "./sandbox-store";

/** The manager with real sandboxes: pool, reset, idle stop and revival, and a server restart. */
const { driver, cleanup } = createTestDriver("lifecycle");
const store = createMemorySandboxStore();
const MIN = 60_000;
/** The managers' clock runs this far ahead of the real one, to make sandboxes idle without waiting. */
let clockOffset = 0;
const managers: SandboxManager[] = [];

function newManager(): SandboxManager {
  const opts: SandboxManagerOptions = {
    driver,
    store,
    limits: testLimits,
    poolSize: 1,
    idleTimeoutMs: 60 * MIN,
    maxLifetimeMs: 480 * MIN,
    now: () => Date.now() + clockOffset,
  };
  const manager = new SandboxManager(opts);
  managers.push(manager);
  return manager;
}

async function untilPoolReady(manager: SandboxManager): Promise<void> {
  for (let i = 0; i < 600 && manager.status().poolReady < 1; i++) await new Promise((r) => setTimeout(r, 100));
  expect(manager.status().poolReady).toBe(1);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

async function running(id: string): Promise<boolean | undefined> {
  return (await driver.list()).find((s) => s.id === id)?.running;
}

let manager: SandboxManager;

beforeAll(async () => {
  await requireSandboxImage();
  manager = newManager();
  await manager.start();
});

afterAll(() => cleanUpInOrder(...managers.map((m) => () => m.shutdown()), cleanup));

describe("sandbox lifecycle", () => {
  it("hands out a ready sandbox from the warm pool, Docker answering", async () => {
    await untilPoolReady(manager);
    const phases: string[] = [];
    const started = Date.now();
    const got = await manager.acquire("ann", (p) => phases.push(p.phase));
    const docker = await asLearner(driver, got.sandboxId, "docker info --format '{{.ServerVersion}}'");
    const elapsed = Date.now() - started;
    expect((await asLearner(driver, got.sandboxId, "echo mine > ~/work.txt && stat -c %U ~/work.txt")).stdout).toBe("learner\n");
    expect(got.fromPool).toBe(true);
    expect(phases).toEqual(["ready"]);
    expect(docker.exitCode).toBe(0);
    expect(docker.stdout).toMatch(/^\d+\.\d+/);
    // Well under a second on a quiet machine (bench/sandbox.bench.ts measures it); generous here for busy CI.
    expect(elapsed).toBeLessThan(5000);
  });

  it("gives the same sandbox to the same learner again", async () => {
    const first = await store.get("ann");
    expect((await manager.acquire("ann")).sandboxId).toBe(first!.sandboxId);
  });

  it("gives a terminal command that opens the learner's tmux session with Docker at hand", async () => {
    const { sandboxId } = await manager.acquire("ann");
    const { file, args } = driver.ptyCommand(sandboxId, ["tmux", "new-session", "-A", "-s", "main"]);
    const term = pty.spawn(file, args, { name: "xterm-256color", cols: 100, rows: 30 });
    let screen = "";
    term.onData((data) => (screen += data));
    try {
      await until(() => /learner@layerlab/.test(screen), "a prompt");
      term.write("echo \"$(whoami) in $PWD\"; docker info --format 'engine {{.ServerVersion}}'\r");
      await until(() => /engine \d+\.\d+/.test(screen), "docker's answer");
      expect(screen).toContain("learner in /home/learner");
    } finally {
      term.kill();
    }
    // The shell lives on in tmux after the terminal went away (page reload, dropped connection).
    expect((await asLearner(driver, sandboxId, "tmux ls -F '#S'")).stdout).toBe("main\n");
  });

  it("reads and writes the learner's files as the learner", async () => {
    const { sandboxId } = await manager.acquire("ann");
    await driver.writeFile(sandboxId, "/home/learner/app/Dockerfile", "FROM busybox\n");
    expect((await driver.readFile(sandboxId, "app/Dockerfile")).toString()).toBe("FROM busybox\n");
    expect((await asLearner(driver, sandboxId, "stat -c %U ~/app ~/app/Dockerfile")).stdout).toBe("learner\nlearner\n");
    await expect(driver.readFile(sandboxId, "nope.txt")).rejects.toMatchObject({ code: "ENOENT" });
    const binary = Buffer.from([0, 255, 10, 13, 128]);
    await driver.writeFile(sandboxId, "blob.bin", binary);
    expect(Buffer.compare(await driver.readFile(sandboxId, "blob.bin"), binary)).toBe(0);
  });

  it("stops an idle sandbox, and starts it again with the home intact, even after a reboot unmounted its disk", async () => {
    const { sandboxId } = await manager.acquire("ann");
    clockOffset += 61 * MIN;
    await manager.reap();
    expect(await running(sandboxId)).toBe(false);
    // What a host reboot leaves: the container stopped and its disk no longer mounted.
    await runHostCommandOk("umount", [`${TEST_DISK_DIR}/${sandboxId}`]);
    const phases: string[] = [];
    const back = await manager.acquire("ann", (p) => phases.push(p.phase));
    expect(back.sandboxId).toBe(sandboxId);
    expect(phases).toEqual(["starting sandbox", "starting Docker", "ready"]);
    expect((await asLearner(driver, sandboxId, "cat ~/work.txt; docker info --format ok")).stdout).toBe("mine\nok\n");
  });

  it("finds the learner's sandbox again after a server restart (new manager, same store)", async () => {
    const before = (await store.get("ann"))!.sandboxId;
    await untilPoolReady(manager);
    const pooled = (await driver.list()).map((s) => s.id).filter((id) => id !== before);
    await manager.shutdown();

    manager = newManager();
    await manager.start();
    expect(manager.status()).toMatchObject({ poolReady: 1, learners: 1 });
    const again = await manager.acquire("ann");
    expect(again.sandboxId).toBe(before);
    expect(again.fromPool).toBe(false);
    expect((await asLearner(driver, before, "cat ~/work.txt")).stdout).toBe("mine\n");
    // The pool sandbox was adopted, not replaced.
    expect((await driver.list()).map((s) => s.id).filter((id) => id !== before)).toEqual(pooled);
  });

  it("reset gives a fresh sandbox and destroys the old one with its disk", async () => {
    const old = (await store.get("ann"))!.sandboxId;
    const fresh = await manager.reset("ann");
    expect(fresh.sandboxId).not.toBe(old);
    expect(await running(old)).toBeUndefined();
    expect(existsSync(`${TEST_DISK_DIR}/${old}.img`)).toBe(false);
    const home = await asLearner(driver, fresh.sandboxId, "ls -A ~ | sort | tr '\\n' ' '; test -e ~/work.txt && echo still-there; docker info --format ok");
    expect(home.stdout).not.toContain("still-there");
    expect(home.stdout).toContain(".bashrc");
    expect(home.stdout).toMatch(/ok\n$/);
  });

  it("release destroys the learner's sandbox and forgets them", async () => {
    const { sandboxId } = await manager.acquire("ann");
    await manager.release("ann");
    expect(await running(sandboxId)).toBeUndefined();
    expect(await store.get("ann")).toBeUndefined();
  });
});
