import { readFileSync } from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { editAndSave as editAndSaveIn, expectAllChecksPassed as allPassed, SCREENS, shot as shotAs, startAsLearner, stepChecks, terminalReady, typeInTerminal } from "./fixtures";

/**
 * Issue 13, "how it is proven": a new learner does the whole of chapter 10 ("Build cache you can move") in the
 * browser: commands typed into the real terminal, the Dockerfile changed in the editor and saved. Each step's checks
 * turn green on the page by themselves (they re-run when the shell returns to a prompt), and the chapter ends with
 * every step passed. Chapter 10 builds on busybox only, so it is the quickest of the new chapters to do for real.
 */

/** A busybox build and the cache-import check's own prune and rebuild, on a loaded 2-core machine. */
const BUILD_MS = 150_000;

const [SMALL_SCREEN, LARGE_SCREEN] = SCREENS;

// The step 4 Dockerfile: the chapter's own, with a stage before the image that holds only the program.
const PROGRAM_STAGE = `# Only the program: \`docker buildx build --target program -o out .\` writes it into out/.
FROM scratch AS program
COPY --from=build /out/hello /hello

`;
const PROGRAM_DOCKERFILE = readFileSync("content/chapters/10-cache-export/files/Dockerfile", "utf8").replace("\nFROM busybox\n", `\n${PROGRAM_STAGE}FROM busybox\n`);

/** The chapter's files, saved through its workspace routes. */
const editAndSave = (page: Page, file: string, text: string) => editAndSaveIn(page, "/api/chapters/cache-export", file, text);
const expectAllChecksPassed = (page: Page, count: number) => allPassed(page, count, BUILD_MS);

function check(page: Page, id: string): Locator {
  return stepChecks(page).and(page.locator(`[data-check-id="${id}"]`));
}

async function expectStep(page: Page, n: number, title: string): Promise<void> {
  await expect(page.getByRole("region", { name: `Step ${n}: ${title}` })).toBeVisible();
}

async function nextStep(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Next step →" }).click();
}

async function shot(page: Page, name: string, focus?: Locator): Promise<void> {
  await shotAs(page, `new-chapter-${name}`, focus);
}


test("a new learner completes chapter 10 (cache export, build outputs) in the browser, each step's checks turning green", async ({ page }) => {
  test.setTimeout(10 * 60_000);
  await page.setViewportSize({ width: LARGE_SCREEN.width, height: LARGE_SCREEN.height });
  await startAsLearner(page, "Cache Mover");
  await page.goto("/");
  await page.getByRole("link", { name: /Build cache you can move/ }).click();
  await expect(page).toHaveURL(/\/chapters\/cache-export$/);
  // Set once; still there at the end means the page was never reloaded.
  await page.evaluate(() => ((window as unknown as { chapterRun: string }).chapterRun = "same page"));
  const terminal = await terminalReady(page);
  const screen = terminal.locator(".xterm-rows");

  // Step 1: a registry of the learner's own, then the cache exported to it with mode=max. The check empties the
  // build cache and builds again from the registry's cache alone.
  await expectStep(page, 1, "Send the cache to a registry");
  await shot(page, "01-opened");
  await typeInTerminal(page, "cd ~/hello-build && docker container run -d --name registry -p 5000:5000 registry:2");
  // The registry runs: the first check says so before anything is pushed to it.
  await expect(check(page, "registry")).toHaveAttribute("data-status", "passed", { timeout: BUILD_MS });
  await expect(check(page, "cache-pushed")).toHaveAttribute("data-status", "failed");
  await shot(page, "02-registry-running", page.getByRole("region", { name: "Checks" }));
  await typeInTerminal(page, "clear; docker buildx build -t hello:latest --cache-to type=registry,ref=localhost:5000/hello:buildcache,mode=max .");
  await expectAllChecksPassed(page, 3);
  await shot(page, "03-step1-passed", page.getByRole("region", { name: "Checks" }));

  // Step 2: the cache in a folder (an OCI layout).
  await nextStep(page);
  await expectStep(page, 2, "Keep the cache in a folder");
  await typeInTerminal(page, "clear; docker buildx build -t hello:latest --cache-to type=local,dest=.buildcache,mode=max . && ls .buildcache");
  await expect(screen).toContainText("oci-layout", { timeout: BUILD_MS });
  await expectAllChecksPassed(page, 2);

  // Step 3: the cache inside the image, pushed to the registry.
  await nextStep(page);
  await expectStep(page, 3, "Ship the cache inside the image, and push");
  await typeInTerminal(page, "clear; docker buildx build --cache-to type=inline -t localhost:5000/hello:latest --push .");
  await expectAllChecksPassed(page, 2);
  await shot(page, "04-step3-passed", page.getByRole("region", { name: "Checks" }));

  // Step 4: the program alone, out of a build, with no image. The stage is written in the editor first: built as the
  // chapter gives it, `-o out` would get the whole busybox filesystem, which the first check turns down.
  await nextStep(page);
  await expectStep(page, 4, "Get the program out, without an image");
  await editAndSave(page, "Dockerfile", PROGRAM_DOCKERFILE);
  // The save runs the checks: the stage is there, but nothing is built out of it yet, and the page says so.
  await expect(check(page, "exported")).toHaveAttribute("data-status", "failed", { timeout: BUILD_MS });
  await expect(check(page, "exported")).toContainText("There is no out yet");
  await shot(page, "05-step4-edited");
  await typeInTerminal(page, "clear; rm -rf out && docker buildx build --target program -o out . && sh out/hello");
  await expect(screen).toContainText("Hello from a program BuildKit built", { timeout: BUILD_MS });
  await expectAllChecksPassed(page, 3);
  await shot(page, "06-step4-passed");

  // Step 5: a tar of the files, and the whole image as an OCI layout in a tar.
  await nextStep(page);
  await expectStep(page, 5, "A tar of files, and an image in a file");
  await typeInTerminal(
    page,
    "clear; docker buildx build --target program -o type=tar,dest=hello.tar . && docker buildx build -t hello:oci -o type=oci,dest=hello-oci.tar . && tar -tf hello.tar && tar -tf hello-oci.tar",
  );
  await expect(screen).toContainText("oci-layout", { timeout: BUILD_MS });
  await expectAllChecksPassed(page, 2);

  // The whole chapter is done, on the same page, never reloaded.
  const nav = page.getByRole("list", { name: "Steps" }).getByRole("button");
  await expect(nav).toHaveCount(5);
  for (let i = 0; i < 5; i++) await expect(nav.nth(i)).toHaveClass(/\bpassed\b/);
  const chapterDone = page.getByRole("status").filter({ hasText: "Chapter complete: every step passed." });
  await expect(chapterDone).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { chapterRun?: string }).chapterRun)).toBe("same page");
  await shot(page, `07-done-${LARGE_SCREEN.name}`, page.getByRole("region", { name: "Checks" }));
  await page.setViewportSize({ width: SMALL_SCREEN.width, height: SMALL_SCREEN.height });
  await shot(page, `07-done-${SMALL_SCREEN.name}`, page.getByRole("region", { name: "Checks" }));

  await page.setViewportSize({ width: LARGE_SCREEN.width, height: LARGE_SCREEN.height });
  await chapterDone.getByRole("link", { name: "Back to the chapters" }).click();
  await expect(page.getByRole("link", { name: /Build cache you can move/ })).toContainText("5/5 steps");
  await shot(page, "08-catalog", page.getByRole("link", { name: /Build cache you can move/ }));
});
