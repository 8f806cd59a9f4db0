import { expect, test, type Locator, type Page } from "@playwright/test";
import { editAndSave as editAndSaveIn, editorTab, expectAllChecksPassed as allPassed, openAsNewLearner, SCREENS, shot as shotAs, startAsLearner, stepChecks, terminalReady, typeInTerminal } from "./fixtures";

/**
 * A new learner does the whole of chapter 04 ("Layers are additive") in the browser, as a learner would:
 * commands typed into the terminal, Dockerfiles changed in the editor and saved. Each step's checks turn
 * green on the page by themselves (they re-run when the shell returns to a prompt), and the layer view
 * under the checks pictures the image after every build. The page is never reloaded.
 */

/** A build of chapter 04 pulls debian:bookworm-slim from the lab registry and writes 60 MB: minutes on a busy machine. */
const BUILD_MS = 240_000;

// One line: the editor keeps the indentation of the line above, so typed continuation lines would drift.
const SLIM_DOCKERFILE = `FROM debian:bookworm-slim

# Fetch the lists, install, and clean up, in one step: no layer keeps the lists.
RUN mkdir -p /var/lib/apt/lists/lab && head -c 60M /dev/urandom > /var/lib/apt/lists/lab/Packages && printf '#!/bin/sh\\necho Hello from a layered image\\n' > /usr/local/bin/hello && chmod +x /usr/local/bin/hello && rm -rf /var/lib/apt/lists/lab

CMD ["hello"]
`;

const TOOL_DOCKERFILE = `FROM debian:bookworm-slim

# tool.bin stands in for a 20 MB program you downloaded.
COPY --chmod=755 tool.bin /usr/local/bin/tool
`;


/** Chapter 04's files, saved through its workspace routes. */
const editAndSave = (page: Page, file: string, text: string) => editAndSaveIn(page, "/api/chapters/layers", file, text);
const expectAllChecksPassed = (page: Page, count: number) => allPassed(page, count, BUILD_MS);

function layerView(page: Page): Locator {
  return page.getByRole("region", { name: "Layers" });
}

async function shot(page: Page, name: string, focus?: Locator): Promise<void> {
  await shotAs(page, `chapter-${name}`, focus);
}

test("a new learner completes chapter 04 in the browser, checks and layers updating live", async ({ page }) => {
  test.setTimeout(20 * 60_000);

  await startAsLearner(page, "Chapter Tester");
  await page.getByRole("link", { name: /Layers are additive/ }).click();
  await expect(page).toHaveURL(/\/chapters\/layers$/);
  // Set once; still there at the end means the page was never reloaded.
  await page.evaluate(() => ((window as unknown as { chapterRun: string }).chapterRun = "same page"));

  const terminal = page.getByRole("region", { name: "Terminal" });
  await shot(page, "01-starting");
  await expect(terminal).toHaveAttribute("data-terminal-state", "ready", { timeout: 180_000 });
  await expect(terminal.locator(".xterm-rows")).toContainText("$", { timeout: 30_000 });
  await expect(editorTab(page, "Dockerfile")).toBeVisible();

  // Step 1: build the Dockerfile as given; the layer of the lists stays, the rm adds a layer of its own.
  await expect(page.getByRole("region", { name: /^Step 1: Delete a file in a later step/ })).toBeVisible();
  await expect(layerView(page)).toContainText("example/layers:fat");
  await expect(layerView(page)).toContainText("No image yet — build it first.", { timeout: 60_000 });
  await shot(page, "02-step1-before-build", layerView(page));
  await typeInTerminal(page, "cd ~/layers && docker image build -t example/layers:fat . && docker image history example/layers:fat");
  await expectAllChecksPassed(page, 3);
  const layers = layerView(page).locator(".layer-list > li");
  await expect(layers).toHaveCount(5, { timeout: 30_000 });
  await expect(layers.nth(1)).toContainText("RUN rm -rf /var/lib/apt/lists/lab");
  await expect(layers.nth(3)).toContainText("head -c 60M /dev/urandom");
  await expect(layers.nth(3)).toContainText("62.9 MB");
  await expect(layers.nth(0)).toHaveClass(/\bempty\b/); // CMD: metadata only
  await expect(layerView(page)).toContainText("4 layers + 1 metadata-only");
  await shot(page, "03-step1-passed", layerView(page));

  // Step 2: one RUN makes and deletes the lists, written in the editor and saved.
  await page.getByRole("button", { name: "Next step →" }).click();
  await expect(page.getByRole("region", { name: /^Step 2: Create and delete in one step/ })).toBeVisible();
  await expect(layerView(page)).toContainText("No image yet — build it first.", { timeout: 60_000 });
  await editAndSave(page, "Dockerfile", SLIM_DOCKERFILE);
  await shot(page, "04-step2-edited");
  await typeInTerminal(page, "clear; docker image build -t example/layers:slim . && docker container run --rm example/layers:slim");
  await expect(terminal.locator(".xterm-rows")).toContainText("Hello from a layered image", { timeout: BUILD_MS });
  await expectAllChecksPassed(page, 4);
  await expect(layers).toHaveCount(3, { timeout: 30_000 });
  await expect(layers.nth(1)).toContainText("RUN mkdir -p /var/lib/apt/lists/lab && head -c 60M");
  await expect(layers.nth(1)).toContainText("kB");
  await expect(layerView(page)).not.toContainText("62.9 MB");
  await shot(page, "05-step2-passed", layerView(page));

  // Step 3: the chmod in its own step stores the 21 MB tool twice…
  await page.getByRole("button", { name: "Next step →" }).click();
  await expect(page.getByRole("region", { name: /^Step 3: Changing a file copies it/ })).toBeVisible();
  await typeInTerminal(page, "clear; head -c 20M /dev/urandom > tool.bin && docker image build -f Dockerfile.tool -t example/layers:tool .");
  await expect(stepChecks(page).and(page.locator('[data-check-id="two-layers"]'))).toHaveAttribute("data-status", "failed", { timeout: BUILD_MS });
  await expect(page.getByRole("region", { name: "Checks" })).toContainText("has 3 layers; at most 2 expected");
  await expect(layers).toHaveCount(3, { timeout: 30_000 });
  await expect(layers.nth(0)).toContainText("RUN chmod 755 /usr/local/bin/tool");
  await expect(layers.nth(0)).toContainText("21 MB");
  await expect(layers.nth(1)).toContainText("21 MB");
  await shot(page, "06-step3-chmod-twice", layerView(page));

  // …and COPY --chmod stores it once.
  await editAndSave(page, "Dockerfile.tool", TOOL_DOCKERFILE);
  await typeInTerminal(page, "clear; docker image build -f Dockerfile.tool -t example/layers:tool . && docker image history example/layers:tool");
  await expectAllChecksPassed(page, 4);
  await expect(layers).toHaveCount(2, { timeout: 30_000 });
  await expect(layers.nth(0)).toContainText("COPY --chmod=755 tool.bin /usr/local/bin/tool");
  await expect(layerView(page)).not.toContainText("RUN chmod");
  await shot(page, "07-step3-passed", layerView(page));

  // The whole chapter is done, on the same page, never reloaded.
  const nav = page.getByRole("list", { name: "Steps" }).getByRole("button");
  await expect(nav).toHaveCount(3);
  for (let i = 0; i < 3; i++) await expect(nav.nth(i)).toHaveClass(/\bpassed\b/);
  expect(await page.evaluate(() => (window as unknown as { chapterRun?: string }).chapterRun)).toBe("same page");

  await page.goto("/");
  await expect(page.getByRole("link", { name: /Layers are additive/ })).toContainText("3/3 steps");
  await shot(page, "08-catalog");
});

/**
 * Issue 11, point 4: the verdict is where the learner looks. The Checks panel starts below the fold at 1366×768 and
 * 1440×900; the compact status in the terminal's title bar says passed or failed and why, and one click on it
 * brings the panel into view.
 */
test("the verdict stays in sight: a compact status names the failing check, and one click shows the checks", async ({ page }) => {
  test.setTimeout(6 * 60_000);
  await openAsNewLearner(page, "Verdict Watcher", "/chapters/anatomy");
  await terminalReady(page);

  const status = page.getByTestId("verdict-status");
  const checksPanel = page.getByRole("region", { name: "Checks" });
  await page.getByRole("button", { name: "Check now" }).click();
  // Nothing is built yet: step 1's first check fails, and the status quotes it.
  const firstFailed = checksPanel.locator('.check-list > li[data-status="failed"]').first();
  await expect(firstFailed).toBeAttached({ timeout: 120_000 });
  const title = await firstFailed.locator(".check-title").textContent();
  const message = await firstFailed.locator(".check-message").textContent();
  expect(title && message).toBeTruthy();

  for (const screen of SCREENS) {
    await page.setViewportSize(screen);
    await page.locator(".steps").evaluate((el) => el.scrollTo(0, 0));
    // The panel itself is out of sight at this size: the reason for the status.
    await expect(checksPanel).not.toBeInViewport();
    await expect(status).toBeInViewport({ ratio: 1 });
    await expect(status).toHaveAttribute("data-tone", "failed");
    await expect(status).toContainText(`Step 1 failed: ${title}: ${message}`);
    await shot(page, `verdict-status-${screen.name}`);
    await status.click();
    await expect(checksPanel).toBeInViewport();
    await expect(checksPanel).toBeFocused();
    await shot(page, `verdict-checks-${screen.name}`);
  }
});

/**
 * Issue 11, point 10: a direct link to a chapter without a session says a name is needed and, once the learner has
 * started, is that chapter (not the home page). Long commands wrap in the narrow instructions column, while Copy and
 * ▶ Run still give exactly the command.
 */
test("a direct link without a session asks for a name and opens that chapter; long commands wrap and stay exact", async ({ browser }) => {
  test.setTimeout(6 * 60_000);
  const context = await browser.newContext({ viewport: SCREENS[0] });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const page = await context.newPage();

  await page.goto("/chapters/multi-arch");
  await expect(page).toHaveURL(/\/chapters\/multi-arch$/);
  await expect(page.getByRole("heading", { name: "Building for other CPUs" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("To open this chapter you need a name first");
  for (const screen of SCREENS) {
    await page.setViewportSize(screen);
    await shot(page, `name-first-${screen.name}`);
  }
  await page.getByLabel(/your name/i).fill("Link Follower");
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByRole("list", { name: "Steps" })).toBeVisible();
  await expect(page).toHaveURL(/\/chapters\/multi-arch$/);
  const terminal = await terminalReady(page);

  const command = "docker container run --rm --pull always --platform linux/arm64 localhost:5000/hello-multi:latest";
  const blockText = `docker container run --rm --pull always localhost:5000/hello-multi:latest\n${command}`;
  await page.getByRole("list", { name: "Steps" }).getByRole("button", { name: /One name, two platforms/ }).click();
  const block = page.locator(".steps pre").filter({ hasText: command });
  await expect(block).toHaveCount(1);
  for (const screen of SCREENS) {
    await page.setViewportSize(screen);
    await block.scrollIntoViewIfNeeded();
    const fits = await block.evaluate((pre) => pre.scrollWidth <= pre.clientWidth);
    // Positive control: unwrapped, the command would run past the column's edge.
    const overflowsUnwrapped = await block.evaluate((pre) => {
      pre.style.whiteSpace = "pre";
      const overflows = pre.scrollWidth > pre.clientWidth;
      pre.style.whiteSpace = "";
      return overflows;
    });
    expect({ fits, overflowsUnwrapped }).toEqual({ fits: true, overflowsUnwrapped: true });
    await shot(page, `long-command-${screen.name}`, block);
  }

  await block.getByRole("button", { name: "Copy" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(blockText);
  await block.getByRole("button", { name: "Run in terminal" }).click();
  await expect(terminal.locator(".xterm-rows")).toContainText(command);
  // What ran is the command itself: the shell's own history has it, byte for byte.
  await typeInTerminal(page, "clear; fc -ln -1 | sed 's/^[[:space:]]*//' | sha256sum");
  const expected = await page.evaluate(async (text) => {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text + "\n"));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }, command);
  await expect(terminal.locator(".xterm-rows")).toContainText(expected, { timeout: 30_000 });
  await context.close();
});
