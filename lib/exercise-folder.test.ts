import { describe, expect, it } from "vitest";
import { decideFolderMove, shellInForeground } from "./exercise-folder";

const WORKDIR = "/home/learner/docker-node-hello";
const pane = (command: string, path: string, cursor: number, lines: string[]) => [`${command}\t${path}\t${cursor}`, ...lines].join("\n");

describe("moving the shell into the exercise's folder", () => {
  it("moves an idle shell at its prompt, typing cd as the learner would", () => {
    const out = pane("bash", "/home/learner/drills/run-typo", 1, ["learner@layerlab:~/drills/run-typo$ ls", "learner@layerlab:~/drills/run-typo$", ""]);
    expect(decideFolderMove(out, WORKDIR)).toEqual({
      action: "move",
      typed: "cd ~/docker-node-hello",
      seen: { command: "bash", line: "learner@layerlab:~/drills/run-typo$", cursor: 1 },
    });
  });

  it("leaves a running command alone (its input is not the shell's)", () => {
    const out = pane("docker", "/home/learner/drills/run-typo", 0, [" => [2/4] RUN npm install"]);
    expect(decideFolderMove(out, WORKDIR)).toEqual({ action: "stay", why: "busy" });
    // Positive control: the same screen with the shell in the foreground at a prompt is moved.
    expect(decideFolderMove(pane("bash", "/tmp", 0, ["learner@layerlab:/tmp$"]), WORKDIR).action).toBe("move");
  });

  it("never adds to a half-typed line", () => {
    expect(decideFolderMove(pane("bash", "/tmp", 0, ["learner@layerlab:/tmp$ docker bui"]), WORKDIR)).toEqual({ action: "stay", why: "typing" });
  });

  it("waits for a new shell's first prompt", () => {
    expect(decideFolderMove(pane("bash", "/home/learner", 0, [""]), WORKDIR)).toEqual({ action: "stay", why: "no-prompt-yet" });
  });

  it("stays when already there, when the folder is not made yet, or when there is no shell yet", () => {
    expect(decideFolderMove(pane("bash", WORKDIR, 0, ["learner@layerlab:~/docker-node-hello$"]), WORKDIR)).toEqual({ action: "stay", why: "there" });
    expect(decideFolderMove("nofolder\n", WORKDIR)).toEqual({ action: "stay", why: "no-folder" });
    expect(decideFolderMove("noshell\n", WORKDIR)).toEqual({ action: "stay", why: "no-shell" });
    expect(decideFolderMove("", WORKDIR)).toEqual({ action: "stay", why: "no-shell" });
  });
});

describe("where ▶ Run types", () => {
  it("into the learner's shell at its prompt, or into what runs in it (a container's shell opened by docker run -ti)", () => {
    expect(shellInForeground("bash\n")).toBe(true);
    expect(shellInForeground("docker\n")).toBe(false);
    expect(shellInForeground("")).toBe(false);
  });
});
