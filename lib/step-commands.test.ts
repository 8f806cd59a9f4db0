import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fillPlaceholders, findPlaceholders, folderAsTyped, inExerciseFolder } from "./step-commands";

/** Every shell code block in the course (chapters' steps, hints and solutions; drills' texts), as ▶ Run gets it. */
function courseShellBlocks(): { file: string; block: string }[] {
  const root = path.join(import.meta.dirname, "..", "content");
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(md|ya?ml)$/.test(entry.name)) files.push(full);
    }
  };
  walk(root);
  return files.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/^[ \t]*```(?:console|shell|sh|bash)\n([\s\S]*?)^[ \t]*```/gm)].map((m) => ({
      file: path.relative(root, file),
      block: m[1].replace(/\n$/, ""),
    })),
  );
}

describe("placeholders in a step's command", () => {
  it("finds the book's placeholders, each once, with what to fill in", () => {
    expect(findPlaceholders("docker container ls\ndocker container stop ID      # the id from the first column")).toEqual([
      { token: "ID", kind: "container", label: "container id" },
    ]);
    expect(findPlaceholders("tar -tvf <digest of layer 3>\ntar -xOf <digest of layer 3> app/secret.txt\njq . <any blob>")).toEqual([
      { token: "<digest of layer 3>", kind: "value", label: "digest of layer 3" },
      { token: "<any blob>", kind: "value", label: "any blob" },
    ]);
    expect(findPlaceholders("docker container run --rm -ti c784913cd432 /bin/bash")).toEqual([
      { token: "c784913cd432", kind: "image", label: "your own id in place of the book's c784913cd432" },
    ]);
    expect(findPlaceholders("docker container run … example/hello")).toMatchObject([{ token: "…", kind: "value" }]);
    expect(findPlaceholders("docker image tag IMAGE localhost:5000/x && docker run ... x")).toMatchObject([{ token: "IMAGE" }, { token: "..." }]);
  });

  it("does not take quoted text, comments, redirections or ordinary words for one", () => {
    for (const real of [
      "sed -i 's/<h1>.*<\\/h1>/<h1>Edited once more<\\/h1>/' index.html",
      'docker container run --rm -d -p 8080:8080 --env WHO="Sean and Karl" example/docker-node-hello:latest',
      "docker image inspect -f '{{json .RootFS.Layers}}' example/inside:v1 | jq .",
      "jq . < index.json > out.json 2>&1",
      "cat <<EOF > notes.md",
      "diff <(ls a) <(ls b)",
      "DOCKER_BUILDKIT=0 docker image build -t example/broken:latest .",
      "docker image ls   # the IMAGE ID column … shows <none> for dangling ones",
      "echo \"<b>ID</b>\" ID\\ x",
      "cd ../app && ls ./..",
      "docker image build -t drill/{{app}} .",
      "git log -1 c784913cd",
    ]) {
      expect(findPlaceholders(real), real).toEqual([]);
    }
  });

  it("fills every occurrence and keeps the rest of the command as printed", () => {
    const command = "tar -tvf <digest of layer 3>   # listing\ntar -xOf <digest of layer 3> app/secret.txt";
    expect(fillPlaceholders(command, { "<digest of layer 3>": " 4f5e\n" })).toBe("tar -tvf 4f5e   # listing\ntar -xOf 4f5e app/secret.txt");
    expect(fillPlaceholders("docker container stop ID  # the ID column", { ID: "a1b2" })).toBe("docker container stop a1b2  # the ID column");
  });

  it("runs nothing while a value is missing or blank, and a value never adds a command line", () => {
    expect(fillPlaceholders("docker container stop ID", {})).toBeNull();
    expect(fillPlaceholders("docker container stop ID", { ID: "  \n " })).toBeNull();
    expect(fillPlaceholders("docker container stop ID", { ID: "a1b2\nrm -rf ~" })).toBe("docker container stop a1b2 rm -rf ~");
    // Positive control: a command without placeholders is itself.
    expect(fillPlaceholders("docker container ls", {})).toBe("docker container ls");
  });

  it("no real command in the course is taken for a placeholder, and every printed placeholder is found", () => {
    const found = courseShellBlocks()
      .map(({ file, block }) => ({ file, tokens: findPlaceholders(block).map((p) => p.token) }))
      .filter((b) => b.tokens.length > 0)
      .map((b) => `${b.file}: ${b.tokens.join(", ")}`);
    expect(found.sort()).toEqual(
      [
        "chapters/01-anatomy/steps/04-env.md: ID",
        "chapters/01-anatomy/steps/04-env.solution.md: ID",
        "chapters/01-anatomy/steps/04-env.solution.md: ID",
        "chapters/07-troubleshooting/steps/01-legacy.md: c784913cd432",
        "chapters/07-troubleshooting/steps/03-report.md: ID",
        "chapters/07-troubleshooting/steps/03-report.solution.md: 3f1c0e9a7b2d",
        "chapters/09-inside/steps/01-whiteout.md: <digest of the index>, <digest of the amd64 one>, <digest of the config>, <any blob>",
        "chapters/09-inside/steps/01-whiteout.md: <digest of layer 3>, <digest of layer 4>",
        "chapters/09-inside/steps/01-whiteout.md: <digest of layer 3>",
      ].sort(),
    );
  });
});

describe("the exercise's folder", () => {
  it("goes there first, visibly, unless the block goes to a folder of its own", () => {
    expect(inExerciseFolder("/home/learner/docker-node-hello", "docker image build -t example/docker-node-hello:latest .")).toBe(
      "cd ~/docker-node-hello && docker image build -t example/docker-node-hello:latest .",
    );
    expect(inExerciseFolder("/home/learner/drills", "docker container ls\ncurl localhost:8080")).toBe("cd ~/drills && docker container ls\ncurl localhost:8080");
    expect(inExerciseFolder("/home/learner/multiarch", "cd ~/multiarch/go\ndocker buildx build .")).toBe("cd ~/multiarch/go\ndocker buildx build .");
    // A relative cd is relative to the exercise's folder, so it still goes there first.
    expect(inExerciseFolder("/home/learner/inside", "cd image/blobs/sha256")).toBe("cd ~/inside && cd image/blobs/sha256");
  });

  it("types the folder as the learner would, quoted when it must be", () => {
    expect(folderAsTyped("/home/learner/drills/run-typo")).toBe("~/drills/run-typo");
    expect(folderAsTyped("/home/learner")).toBe("~");
    expect(folderAsTyped("/home/learner/my work")).toBe("~/'my work'");
    expect(folderAsTyped("/srv/x")).toBe("/srv/x");
  });
});
