import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestSandbox, type TestSandbox } from "../checks/sandbox.test-support";
import { loadCourse } from "../content/course";
import { chapterNeeds, stageIn, stageWith, stopInTheWay, type Stage } from "./clean-stage";

/**
 * A clean stage in a real sandbox with its Docker: chapter 08's registry left on a port chapter 01 publishes is in
 * chapter 01's way (its own `docker run -p 8080:…` fails), is stopped in one go, and then the port is free; a
 * container in nobody's way keeps running, and the registry is never in the way of chapter 08 itself.
 */
describe("what other exercises left running, in a real sandbox", () => {
  let sandbox: TestSandbox;
  let anatomy: Stage;
  let multiArch: Stage;

  const asLearner = async (script: string) => sandbox.exec(["bash", "-c", script], { user: "learner", timeoutMs: 300_000 });
  const ok = async (script: string) => {
    const result = await asLearner(script);
    expect(result.exitCode, `${script}\n${result.stdout}\n${result.stderr}`).toBe(0);
    return result.stdout.trim();
  };

  beforeAll(async () => {
    const course = await loadCourse();
    const chapter = (id: string) => course.chapters.find((c) => c.id === id)!;
    anatomy = stageWith(course, chapterNeeds(chapter("anatomy")), "anatomy");
    multiArch = stageWith(course, chapterNeeds(chapter("multi-arch")), "multi-arch");
    sandbox = await createTestSandbox();
  });
  afterAll(async () => {
    await sandbox?.destroy();
  });

  it("lists the registry holding the chapter's port, stops it, and the port is free", async () => {
    await ok("docker container run -d --name registry -p 8080:5000 registry:2 >/dev/null && docker container run -d --name bystander debian:bookworm-slim sleep 600 >/dev/null");
    // Control: the port really is in the way.
    const blocked = await asLearner("docker container run --rm -d -p 8080:80 debian:bookworm-slim sleep 5");
    expect(blocked.exitCode).not.toBe(0);
    expect(blocked.stderr).toMatch(/port is already allocated/);

    const list = await stageIn(sandbox.driver, sandbox.id, anatomy);
    expect(list.map((e) => ({ name: e.container.name, reasons: e.reasons }))).toEqual([
      { name: "registry", reasons: ["holds port 8080, which this exercise uses", "runs registry:2 from another exercise"] },
    ]);
    // Chapter 08 runs registry:2 itself: its own container is never in its way.
    expect(await stageIn(sandbox.driver, sandbox.id, multiArch)).toEqual([]);

    expect(await stopInTheWay(sandbox.driver, sandbox.id, anatomy)).toEqual(["registry"]);
    expect(await ok("docker container inspect -f '{{.State.Status}}' registry bystander")).toBe("exited\nrunning");
    await ok("docker container run --rm -p 8080:80 debian:bookworm-slim true");
    expect(await stageIn(sandbox.driver, sandbox.id, anatomy)).toEqual([]);
  });
});
