import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxDriver } from "../sandbox/driver";
import { runHostCommandOk } from "../sandbox/host-command";
import { cleanUpInOrder, createTestDriver, requireSandboxImage, testLimits } from "../sandbox/int-test-kit.test-support";
import { listExerciseFiles, placeExerciseFiles, SandboxNotRunningError, SandboxRestartingError, type ExerciseFolder } from "./exercise-workspace";

/**
 * Issue 10: `podman kill` of a learner's sandbox while the editor's file poll runs in it. The poll's command dies
 * with the sandbox (exit 137); the learner must read "your sandbox is restarting" (503 sandbox_restarting), not
 * "Something went wrong on the server" (500). The sandbox and the kill are real; the poll is held in flight (a
 * `sleep` before the real listing script) so the kill lands inside it every time rather than by luck.
 */

const { driver, cleanup } = createTestDriver("killed-under-poll");
const WORKDIR = "/home/learner/killed-under-poll";
const IN_FLIGHT = "/tmp/layerlab-poll-in-flight";
let sandboxId = "";

/** The real driver, each command first marking itself in flight and waiting 3 s. */
const heldDriver: SandboxDriver = {
  ...driver,
  exec: (id, command, options) => driver.exec(id, ["sh", "-c", `touch ${IN_FLIGHT} && sleep 3 && exec "$@"`, "sh", ...command], options),
};

async function untilInFlight(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await driver.exec(sandboxId, ["test", "-e", IN_FLIGHT])).exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the held poll never started in the sandbox");
}

beforeAll(async () => {
  await requireSandboxImage();
  sandboxId = (await driver.create({ labels: {}, limits: testLimits })).id;
  await placeExerciseFiles({ driver, sandboxId, workdir: WORKDIR }, [{ path: "Dockerfile", content: "FROM scratch\n" }]);
});

afterAll(() => cleanUpInOrder(cleanup));

describe("the editor's file poll when the sandbox is killed under it", () => {
  it("answers 503 sandbox_restarting, and 503 not-running once it is down", async () => {
    const folder: ExerciseFolder = { driver: heldDriver, sandboxId, workdir: WORKDIR };
    // Positive control: the held poll answers when nothing happens to the sandbox.
    expect(await listExerciseFiles(folder, ["Dockerfile"])).toMatchObject([{ kind: "file", path: "Dockerfile" }]);
    await driver.exec(sandboxId, ["rm", "-f", IN_FLIGHT]);

    const poll = listExerciseFiles(folder, ["Dockerfile"]).catch((error: unknown) => error);
    await untilInFlight();
    await runHostCommandOk("podman", ["kill", sandboxId]);
    const error = await poll;
    expect(error).toBeInstanceOf(SandboxRestartingError);
    expect(error).toMatchObject({ status: 503, code: "sandbox_restarting" });

    // The next poll, with the sandbox down: the existing "not running" answer, also a 503.
    await expect(listExerciseFiles({ driver, sandboxId, workdir: WORKDIR }, ["Dockerfile"])).rejects.toBeInstanceOf(SandboxNotRunningError);
  });
});
