import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxUnavailableError, type SandboxDriver, type SandboxLimits } from "./driver";

/**
 * What every SandboxDriver must do, written once against the interface alone (no podman, no host paths), so that a
 * driver for another engine (a Kubernetes driver: user-namespaced pods of the same image) is judged by the very same
 * tests on a real cluster. Two sandboxes: the one under test with small limits, and a neighbour for isolation.
 *
 * A driver's own file calls `describeDriverConformance` with a factory for a driver of a fresh instance of its own
 * (so it never sees anyone else's sandboxes) and the cleanup that removes what the suite left behind.
 */
export interface ConformanceSubject {
  driver: SandboxDriver;
  cleanup(): Promise<void>;
}

/** Small enough that each limit is reached in seconds, large enough for a shell and coreutils. */
export const CONFORMANCE_LIMITS: SandboxLimits = { memoryMb: 256, cpus: 1, pids: 128, diskMb: 256 };

function learner(driver: SandboxDriver, id: string, script: string, timeoutMs = 60_000) {
  return driver.exec(id, ["sh", "-c", script], { user: "learner", timeoutMs });
}

export function describeDriverConformance(name: string, subject: () => Promise<ConformanceSubject>): void {
  describe(`SandboxDriver conformance: ${name}`, () => {
    let driver: SandboxDriver;
    let cleanup: () => Promise<void> = async () => {};
    let a = "";
    let b = "";
    const labels = { "layerlab.learner": "conformance-a" };

    beforeAll(async () => {
      ({ driver, cleanup } = await subject());
      [a, b] = await Promise.all([
        driver.create({ labels, limits: CONFORMANCE_LIMITS }),
        driver.create({ labels: { "layerlab.learner": "conformance-b" }, limits: CONFORMANCE_LIMITS }),
      ]).then((made) => made.map((s) => s.id));
    });

    afterAll(async () => {
      await cleanup();
    });

    it("creates a running sandbox that list() finds with its labels", async () => {
      const listed = (await driver.list()).find((s) => s.id === a);
      expect(listed).toMatchObject({ running: true, labels: expect.objectContaining(labels) });
      expect(listed!.createdAt.getTime()).not.toBeNaN();
    });

    it("runs commands as the learner (not root) and as sandbox root, with exit code, output, stdin, env and cwd", async () => {
      const asLearner = await driver.exec(a, ["sh", "-c", "id -un; id -u; pwd; echo oops >&2; exit 3"], { user: "learner" });
      expect(asLearner.stdout.split("\n").slice(0, 3)).toEqual(["learner", expect.not.stringMatching(/^0$/), "/home/learner"]);
      expect(asLearner.stderr).toContain("oops");
      expect(asLearner).toMatchObject({ exitCode: 3, timedOut: false });
      expect((await driver.exec(a, ["id", "-u"], { user: "root" })).stdout).toBe("0\n");
      expect((await driver.exec(a, ["cat"], { user: "learner", stdin: "from stdin" })).stdout).toBe("from stdin");
      const envCwd = await driver.exec(a, ["sh", "-c", 'echo "$GREETING"; pwd'], { user: "learner", env: { GREETING: "hello" }, cwd: "/tmp" });
      expect(envCwd.stdout).toBe("hello\n/tmp\n");
    });

    it("ends a command that outlives its timeout and says so; the sandbox answers after", async () => {
      const slow = await driver.exec(a, ["sleep", "60"], { user: "learner", timeoutMs: 1_000 });
      expect(slow.timedOut).toBe(true);
      expect((await driver.exec(a, ["echo", "still here"])).stdout).toBe("still here\n");
    });

    it("writes files as the learner's own and reads them back byte for byte; a missing file is an error", async () => {
      const binary = Buffer.from([0, 1, 2, 255, 10, 13, 0x80]);
      await driver.writeFile(a, "conformance/blob.bin", binary);
      await driver.writeFile(a, "conformance/notes.txt", "kept across a stop\n");
      expect(Buffer.compare(await driver.readFile(a, "conformance/blob.bin"), binary)).toBe(0);
      expect((await learner(driver, a, "stat -c %U conformance conformance/notes.txt")).stdout).toBe("learner\nlearner\n");
      await expect(driver.readFile(a, "conformance/missing.txt")).rejects.toThrow();
    });

    it("keeps root in the sandbox apart from root on the host: sandbox uid 0 maps to an unprivileged uid", async () => {
      const map = (await driver.exec(a, ["cat", "/proc/self/uid_map"], { user: "root" })).stdout.trim().split(/\s+/).map(Number);
      expect(map[0]).toBe(0);
      expect(map[1]).toBeGreaterThan(0);
    });

    it("keeps a sandbox's memory and disk within its limits, and the sandbox answers afterwards", async () => {
      const hog = await learner(driver, a, "tail /dev/zero", 120_000);
      expect(hog.exitCode).toBe(137);
      const fill = await learner(driver, a, `head -c ${(CONFORMANCE_LIMITS.diskMb + 64) * 1024 * 1024} /dev/zero > ~/fill.bin`, 120_000);
      expect(fill.exitCode).not.toBe(0);
      expect(fill.stderr).toMatch(/no space left/i);
      expect((await learner(driver, a, "rm ~/fill.bin && echo freed")).stdout).toBe("freed\n");
    });

    it("keeps sandboxes apart: one sees neither the other's files nor its processes", async () => {
      await learner(driver, b, "echo b-private > ~/secret-b.txt; (setsid sleep 4242 >/dev/null 2>&1 &)");
      expect((await learner(driver, b, "pgrep -f 'sleep 4242' >/dev/null && cat ~/secret-b.txt")).stdout).toBe("b-private\n");
      const ps = await driver.exec(a, ["ps", "-eo", "args"], { user: "root" });
      expect(ps.stdout).not.toContain("sleep 4242");
      const found = await driver.exec(a, ["sh", "-c", "grep -rl b-private /home /tmp /var/tmp /run 2>/dev/null; true"], { user: "root" });
      expect(found.stdout).toBe("");
    });

    it("keeps a sandbox's processes within its limit while its neighbour works on (the stop below clears them)", async () => {
      // More sleeps than the limit allows: the shell gives up at the first fork the limit refuses.
      const forks = await learner(driver, a, `i=0; while [ $i -lt ${CONFORMANCE_LIMITS.pids + 16} ]; do sleep 120 & i=$((i+1)); done`);
      expect(forks.stdout + forks.stderr).toMatch(/fork|resource temporarily unavailable/i);
      expect((await driver.exec(b, ["echo", "neighbour fine"])).stdout).toBe("neighbour fine\n");
    });

    it("stops a sandbox (list says not running) and starts it again with the learner's files kept", async () => {
      await driver.stop(a);
      expect((await driver.list()).find((s) => s.id === a)?.running).toBe(false);
      await driver.start(a);
      expect((await driver.list()).find((s) => s.id === a)?.running).toBe(true);
      expect((await driver.readFile(a, "conformance/notes.txt")).toString()).toBe("kept across a stop\n");
    });

    it("destroys a sandbox: list() no longer has it and a command there is SandboxUnavailableError", async () => {
      await driver.destroy(b);
      expect((await driver.list()).map((s) => s.id)).not.toContain(b);
      await expect(driver.exec(b, ["true"])).rejects.toBeInstanceOf(SandboxUnavailableError);
      expect((await driver.list()).map((s) => s.id)).toContain(a);
    });
  });
}
