import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxDriver } from "../sandbox/driver";
import { createPodmanDriver } from "../sandbox/podman-driver";
import {
  FileChangedError,
  listExerciseFiles,
  placeExerciseFiles,
  readExerciseFile,
  SandboxNotRunningError,
  writeExerciseFile,
  type ExerciseFolder,
} from "./exercise-workspace";

/** The exercise files against a real sandbox: placement never overwrites, and no path leads out of the workdir. */

const IMAGE = process.env.LAYERLAB_SANDBOX_IMAGE ?? "localhost/layerlab/sandbox:latest";
const WORKDIR = "/home/learner/ch-test";

let driver: SandboxDriver;
let sandboxId: string;
let folder: ExerciseFolder;
let diskDir: string;

async function sh(script: string): Promise<string> {
  const result = await driver.exec(sandboxId, ["sh", "-c", script], { user: "learner" });
  if (result.exitCode !== 0) throw new Error(`${script}: ${result.stderr}`);
  return result.stdout;
}

function status(promise: Promise<unknown>): Promise<number | undefined> {
  return promise.then(
    () => undefined,
    (error: { status?: number }) => error.status,
  );
}

beforeAll(async () => {
  try {
    execFileSync("podman", ["image", "exists", IMAGE]);
  } catch {
    throw new Error(`The sandbox image ${IMAGE} is missing; build it with npm run images.`);
  }
  diskDir = mkdtempSync("/var/tmp/layerlab-test-workspace-");
  driver = createPodmanDriver({ image: IMAGE, network: process.env.LAYERLAB_NETWORK ?? "layerlab", registry: "10.231.7.2:5000", diskDir, instance: "test-workspace" });
  const sandbox = await driver.create({ labels: { "layerlab.test": "workspace" }, limits: { memoryMb: 512, cpus: 1, pids: 512, diskMb: 256 } });
  sandboxId = sandbox.id;
  folder = { driver, sandboxId, workdir: WORKDIR };
});

afterAll(async () => {
  if (sandboxId) await driver.destroy(sandboxId);
  if (diskDir) rmSync(diskDir, { recursive: true, force: true });
});

describe("placing the exercise files", () => {
  const files = [
    { path: "Dockerfile", content: "FROM debian:bookworm-slim\n" },
    { path: "app/index.js", content: "console.log('héllo')\n" },
    { path: ".dockerignore", content: "" },
  ];

  it("creates the workdir and every file, owned by the learner", async () => {
    expect(await placeExerciseFiles(folder, files)).toEqual({ placed: ["Dockerfile", "app/index.js", ".dockerignore"], kept: [] });
    expect(await sh(`cat ${WORKDIR}/app/index.js`)).toBe("console.log('héllo')\n");
    expect((await sh(`stat -c '%U %a' ${WORKDIR}/Dockerfile ${WORKDIR}/.dockerignore`)).trim().split("\n")).toEqual(["learner 644", "learner 644"]);
  });

  it("never overwrites the learner's work, and puts back only what is missing", async () => {
    await sh(`echo 'RUN echo mine' >> ${WORKDIR}/Dockerfile && rm ${WORKDIR}/app/index.js`);
    expect(await placeExerciseFiles(folder, files)).toEqual({ placed: ["app/index.js"], kept: ["Dockerfile", ".dockerignore"] });
    expect(await sh(`cat ${WORKDIR}/Dockerfile`)).toBe("FROM debian:bookworm-slim\nRUN echo mine\n");
  });

  it("does not follow a symlink the learner made out of the workdir", async () => {
    await sh(`mkdir -p /home/learner/outside && ln -s /home/learner/outside ${WORKDIR}/linked && ln -s /home/learner/outside/gone ${WORKDIR}/dangling`);
    expect(await placeExerciseFiles(folder, [{ path: "dangling", content: "x" }])).toEqual({ placed: [], kept: ["dangling"] });
    await expect(placeExerciseFiles(folder, [{ path: "linked/file", content: "x" }])).rejects.toThrow(/outside/);
    expect(await sh("ls -A /home/learner/outside")).toBe("");
  });
});

describe("reading, listing and saving", () => {
  it("lists hashes that match what a read returns, and refuses escaping symlinks and folders", async () => {
    await sh(`ln -sf /etc/passwd ${WORKDIR}/passwd && ln -sf Dockerfile ${WORKDIR}/inside-link`);
    const listing = await listExerciseFiles(folder, ["Dockerfile", "missing", "passwd", "app", "inside-link"]);
    const read = await readExerciseFile(folder, "Dockerfile");
    expect(listing).toEqual([
      { kind: "file", path: "Dockerfile", hash: read.hash, size: read.size, mtimeMs: read.mtimeMs },
      { kind: "absent", path: "missing" },
      { kind: "refused", path: "passwd", reason: expect.stringContaining("out of the exercise folder") },
      { kind: "refused", path: "app", reason: expect.stringContaining("not a regular file") },
      { kind: "file", path: "inside-link", hash: read.hash, size: read.size, mtimeMs: read.mtimeMs },
    ]);
  });

  it("saves over the version it read, and refuses to overwrite a newer one", async () => {
    const read = await readExerciseFile(folder, "Dockerfile");
    const saved = await writeExerciseFile(folder, "Dockerfile", "FROM debian:bookworm-slim\nRUN echo editor\n", read.hash);
    expect(await sh(`cat ${WORKDIR}/Dockerfile`)).toBe("FROM debian:bookworm-slim\nRUN echo editor\n");
    expect((await readExerciseFile(folder, "Dockerfile")).hash).toBe(saved.hash);

    await sh(`echo '# from the terminal' >> ${WORKDIR}/Dockerfile`);
    const refused = writeExerciseFile(folder, "Dockerfile", "lost?", saved.hash);
    await expect(refused).rejects.toBeInstanceOf(FileChangedError);
    const current = await readExerciseFile(folder, "Dockerfile");
    await expect(refused).rejects.toMatchObject({ status: 409, currentHash: current.hash });
    expect(current.content).toContain("# from the terminal");
    // A save that expects no file does not replace one that appeared.
    await expect(writeExerciseFile(folder, "Dockerfile", "x", null)).rejects.toMatchObject({ status: 409 });
  });

  it("creates new files (and their folders), keeps an executable script executable", async () => {
    await writeExerciseFile(folder, "scripts/run me.sh", "#!/bin/sh\necho hi\n", null);
    await sh(`chmod 755 '${WORKDIR}/scripts/run me.sh'`);
    const read = await readExerciseFile(folder, "scripts/run me.sh");
    await writeExerciseFile(folder, "scripts/run me.sh", "#!/bin/sh\necho bye\n", read.hash);
    expect(await sh(`stat -c '%U %a' '${WORKDIR}/scripts/run me.sh' && '${WORKDIR}/scripts/run me.sh'`)).toBe("learner 755\nbye\n");
    expect(await sh(`ls -A ${WORKDIR}/scripts`)).toBe("run me.sh\n");
  });

  it("writes through a symlink that stays inside the workdir", async () => {
    const read = await readExerciseFile(folder, "inside-link");
    await writeExerciseFile(folder, "inside-link", "FROM scratch\n", read.hash);
    expect(await sh(`cat ${WORKDIR}/Dockerfile; readlink ${WORKDIR}/inside-link`)).toBe("FROM scratch\nDockerfile\n");
  });
});

describe("what the editor refuses", () => {
  it.each(["../outside/x", "/etc/passwd", "app/../../x", "./Dockerfile", ""])("a path like %j (400)", async (p) => {
    expect(await status(readExerciseFile(folder, p))).toBe(400);
    expect(await status(writeExerciseFile(folder, p, "x", null))).toBe(400);
  });

  it("symlinks out of the workdir, for reading and writing (403), and leaves their targets alone", async () => {
    await sh(`printf secret > /home/learner/outside/secret && ln -sf /home/learner/outside/secret ${WORKDIR}/secret && ln -sfn /home/learner/outside ${WORKDIR}/out`);
    expect(await status(readExerciseFile(folder, "passwd"))).toBe(403);
    expect(await status(readExerciseFile(folder, "secret"))).toBe(403);
    expect(await status(writeExerciseFile(folder, "secret", "pwned", null))).toBe(403);
    expect(await status(writeExerciseFile(folder, "out/new", "pwned", null))).toBe(403);
    expect(await status(writeExerciseFile(folder, "passwd", "pwned", null))).toBe(403);
    expect(await sh("cat /home/learner/outside/secret; echo; ls -A /home/learner/outside")).toBe("secret\nsecret\n");
  });

  it("files over 1 MB (413), folders (422) and files that are not UTF-8 text (422)", async () => {
    await sh(`head -c 1100000 /dev/zero | tr '\\0' a > ${WORKDIR}/big.txt && printf '\\377\\376' > ${WORKDIR}/binary`);
    expect(await status(readExerciseFile(folder, "big.txt"))).toBe(413);
    expect(await status(writeExerciseFile(folder, "huge.txt", "a".repeat(1024 * 1024 + 1), null))).toBe(413);
    expect(await status(readExerciseFile(folder, "app"))).toBe(422);
    expect(await status(readExerciseFile(folder, "binary"))).toBe(422);
    expect(await status(readExerciseFile(folder, "missing"))).toBe(404);
  });
});

describe("a sandbox that is not running", () => {
  it("answers 503 and writes nothing", async () => {
    await driver.stop(sandboxId);
    const error = await listExerciseFiles(folder, ["Dockerfile"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxNotRunningError);
    expect(await status(writeExerciseFile(folder, "Dockerfile", "x", null))).toBe(503);
    await driver.start(sandboxId);
    expect(await sh(`cat ${WORKDIR}/Dockerfile`)).toBe("FROM scratch\n");
  });
});
