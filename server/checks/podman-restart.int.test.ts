import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestSandbox, type TestSandbox } from "./sandbox.test-support";

// Rootless podman keeps its runtime state (pause process, container states) in ~/.run, on the home disk. Left
// stale by a restart of the sandbox, it made every podman command fail ("invalid internal status … podman system
// migrate"); layerlab-sandbox-init clears it at each start. This restarts a real sandbox the way the lab does.
describe("podman in a sandbox that restarts", () => {
  let sandbox: TestSandbox;
  const podman = (script: string) => sandbox.exec(["bash", "-c", `export PODMAN_IGNORE_CGROUPSV1_WARNING=1\n${script}`], { user: "learner", timeoutMs: 180_000 });

  beforeAll(async () => {
    sandbox = await createTestSandbox();
  }, 180_000);
  afterAll(async () => {
    await sandbox?.destroy();
  });

  it("runs containers before and after the restart, and starts the learner's stopped one again", async () => {
    const before = await podman("podman run -d --name sleeper docker.io/library/busybox sleep 600 && podman ps --format '{{.Names}}'");
    expect(before.exitCode, before.stderr).toBe(0);
    expect(before.stdout).toMatch(/^sleeper$/m);

    await sandbox.driver.stop(sandbox.id);
    await sandbox.driver.start(sandbox.id);

    const after = await podman("podman run --rm docker.io/library/busybox echo ok && podman start sleeper && podman ps --format '{{.Names}} {{.State}}'");
    expect(after.exitCode, `${after.stdout}\n${after.stderr}`).toBe(0);
    expect(after.stderr).not.toMatch(/invalid internal status/);
    expect(after.stdout).toMatch(/^ok$/m);
    expect(after.stdout).toMatch(/^sleeper running$/m);
  }, 300_000);
});
