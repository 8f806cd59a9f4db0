import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideFolderMove, FOREGROUND_COMMAND, PANE_STATE_SCRIPT, shellInForeground, TYPE_LINE_SCRIPT, type FolderMove } from "@/lib/exercise-folder";
import type { SandboxDriver } from "../sandbox/driver";
import { createPodmanDriver } from "../sandbox/podman-driver";

/**
 * Moving the learner's shell into the exercise's folder, against a real sandbox's tmux and bash (the learner's own
 * prompt from /etc/bash.bashrc): an idle shell is moved by a visible `cd`, a running command and a half-typed line
 * are left alone, and a line typed between the look and the typing stops the typing; ▶ Run knows whether the shell
 * or a program in it is in front.
 */

const IMAGE = process.env.LAYERLAB_SANDBOX_IMAGE ?? "localhost/layerlab/sandbox:latest";
const WORKDIR = "/home/learner/place-test";

let driver: SandboxDriver;
let sandboxId: string;
let diskDir: string;

async function learner(argv: string[]): Promise<string> {
  const result = await driver.exec(sandboxId, argv, { user: "learner", timeoutMs: 20_000 });
  if (result.exitCode !== 0) throw new Error(`${argv.join(" ")}: ${result.stderr}`);
  return result.stdout;
}
const tmux = (...args: string[]) => learner(["tmux", ...args]);
const look = async (): Promise<FolderMove> => decideFolderMove(await learner(["bash", "-c", PANE_STATE_SCRIPT, "_", WORKDIR]), WORKDIR);
const type = (move: Extract<FolderMove, { action: "move" }>) =>
  learner(["bash", "-c", TYPE_LINE_SCRIPT, "_", move.typed, move.seen.command, move.seen.line, String(move.seen.cursor)]);
const paneLines = async () => (await tmux("capture-pane", "-p", "-t", "main")).trimEnd();
const cwd = async () => (await tmux("display-message", "-p", "-t", "main", "#{pane_current_path}")).trim();

/** Waits until the pane's last line is a fresh prompt (the shell drew it and nothing is typed after it). */
async function atPrompt(): Promise<void> {
  await expect.poll(async () => (await paneLines()).split("\n").at(-1) ?? "", { timeout: 20_000 }).toMatch(/\$$/);
}

beforeAll(async () => {
  execFileSync("podman", ["image", "exists", IMAGE]);
  diskDir = mkdtempSync("/var/tmp/layerlab-test-place-");
  driver = createPodmanDriver({ image: IMAGE, network: process.env.LAYERLAB_NETWORK ?? "layerlab", registry: "10.231.7.2:5000", diskDir, instance: "test-exercise-folder" });
  sandboxId = (await driver.create({ labels: { "layerlab.test": "exercise-folder" }, limits: { memoryMb: 512, cpus: 1, pids: 512, diskMb: 256 } })).id;
  // The learner's one tmux session, as the terminal starts it (here without a client attached).
  await tmux("new-session", "-d", "-s", "main", "-x", "100", "-y", "30");
});

afterAll(async () => {
  if (sandboxId) await driver.destroy(sandboxId);
  if (diskDir) rmSync(diskDir, { recursive: true, force: true });
});

describe("the shell moves into the exercise's folder", () => {
  it("waits while the folder does not exist yet", async () => {
    await atPrompt();
    expect(await look()).toEqual({ action: "stay", why: "no-folder" });
  });

  it("moves an idle shell at its prompt with a cd the learner sees", async () => {
    await learner(["mkdir", "-p", WORKDIR]);
    const move = await look();
    expect(move).toMatchObject({ action: "move", typed: "cd ~/place-test" });
    expect((await type(move as Extract<FolderMove, { action: "move" }>)).trim()).toBe("typed");
    await expect.poll(cwd).toBe(WORKDIR);
    expect(await paneLines()).toContain("$ cd ~/place-test");
    expect(await look()).toEqual({ action: "stay", why: "there" });
  });

  it("never types into a running command", async () => {
    await tmux("send-keys", "-t", "main", "cd /tmp && cat", "Enter");
    await expect.poll(look).toEqual({ action: "stay", why: "busy" });
    // ▶ Run would type into cat as printed, without a cd.
    expect(shellInForeground(await learner(FOREGROUND_COMMAND))).toBe(false);
    await tmux("send-keys", "-t", "main", "C-c");
    await atPrompt();
    // Control: the same shell, back at its prompt outside the folder, is moved, and ▶ Run goes there first.
    expect(await look()).toMatchObject({ action: "move" });
    expect(shellInForeground(await learner(FOREGROUND_COMMAND))).toBe(true);
  });

  it("never adds to a half-typed line, nor to one typed between the look and the typing", async () => {
    await tmux("send-keys", "-t", "main", "-l", "echo half");
    expect(await look()).toEqual({ action: "stay", why: "typing" });
    await tmux("send-keys", "-t", "main", "C-u");
    await atPrompt();

    const move = await look();
    expect(move.action).toBe("move");
    await tmux("send-keys", "-t", "main", "-l", "ls");
    expect((await type(move as Extract<FolderMove, { action: "move" }>)).trim()).toBe("changed");
    expect((await paneLines()).split("\n").at(-1)).toMatch(/\$ ls$/);
    expect(await cwd()).toBe("/tmp");
  });
});
