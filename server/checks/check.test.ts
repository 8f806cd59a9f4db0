import { describe, expect, it } from "vitest";
import { createCheckSandbox } from "./check";
import type { SandboxExec } from "./sandbox-exec";

function recordingExec(): SandboxExec & { commands: string[] } {
  const commands: string[] = [];
  return {
    commands,
    exec: async (cmd) => {
      commands.push(cmd.join(" "));
      return { stdout: `answer ${commands.length}`, stderr: "", exitCode: 0, timedOut: false };
    },
  };
}

describe("check sandbox", () => {
  it("asks an image question once per run, until something else runs", async () => {
    const exec = recordingExec();
    const sandbox = createCheckSandbox(exec, "/home/learner/x");
    const first = await sandbox.docker(["image", "inspect", "a"]);
    expect(await sandbox.docker(["image", "inspect", "a"])).toBe(first);
    await sandbox.docker(["image", "history", "a"]);
    await sandbox.docker(["image", "history", "a"]);
    expect(exec.commands).toEqual(["docker image inspect a", "docker image history a"]);

    // A build or a script may change the images: the next question is asked again.
    await sandbox.docker(["build", "-t", "a", "."]);
    expect((await sandbox.docker(["image", "inspect", "a"])).stdout).toBe("answer 4");
    await sandbox.bash("docker image rm a");
    expect((await sandbox.docker(["image", "inspect", "a"])).stdout).toBe("answer 6");
  });

  it("never keeps answers from one run for the next", async () => {
    const exec = recordingExec();
    await createCheckSandbox(exec, "/w").docker(["image", "inspect", "a"]);
    await createCheckSandbox(exec, "/w").docker(["image", "inspect", "a"]);
    expect(exec.commands).toHaveLength(2);
  });
});
