import { expect, test, type Locator, type Page } from "@playwright/test";
import { createWorkshop, endWorkshop, joinAs, signInAsInstructor } from "./instructor";

/**
 * A learner does step 1 of chapter 01 with the keyboard alone: after the first page load, focus moves only with
 * Tab, Shift+Tab, Enter and the arrow keys (no click, no scripted focus). The editor and the terminal keep Tab for
 * themselves (indenting, completion) until Ctrl+M, so focus can always leave them. The terminal's screen-reader
 * mode is switched on from the keyboard and is still on after a reload.
 */

const BUILD_MS = 240_000;
const SHOTS = "e2e/screenshots";

test.use({ viewport: { width: 1366, height: 768 } });
/** More than any page of the lab has focusable elements before the one sought. */
const MAX_TABS = 80;

/** Presses Tab (or Shift+Tab) until TARGET has focus; fails if it never gets it. */
async function tabTo(page: Page, target: Locator, key: "Tab" | "Shift+Tab" = "Tab"): Promise<void> {
  for (let i = 0; i < MAX_TABS; i++) {
    if (await target.evaluate((el) => el === document.activeElement || el.contains(document.activeElement)).catch(() => false)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached ${target.toString()}; focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))}`);
}

/** Where focus is: inside the editor, inside the terminal, or elsewhere. */
function focusIn(page: Page): Promise<"editor" | "terminal" | "elsewhere"> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (el?.closest(".monaco-editor")) return "editor";
    if (el?.closest(".xterm")) return "terminal";
    return "elsewhere";
  });
}

test("a chapter step with the keyboard alone: editor, terminal, checks, screen-reader mode", async ({ page, browser }) => {
  test.setTimeout(10 * 60_000);
  // The learner is in a workshop so that its end removes their sandbox.
  const instructorContext = await browser.newContext();
  const instructor = await instructorContext.newPage();
  await signInAsInstructor(instructor);
  const code = await createWorkshop(instructor, "Keyboard chapter", ["Anatomy of a Dockerfile"]);
  try {
    await chapterStepByKeyboard(page, code);
  } finally {
    await endWorkshop(instructor);
    await instructorContext.close();
  }
});

async function chapterStepByKeyboard(page: Page, code: string): Promise<void> {
  await page.goto(`/join/${code}`);
  const name = page.getByLabel("Your name, as the instructor will see it");
  await expect(name).toBeFocused();
  // Typed before React has taken over the form, Enter would submit it natively and reload the page.
  await expect.poll(() => name.evaluate((el) => Object.keys(el).some((key) => key.startsWith("__reactFiber")))).toBe(true);
  await page.keyboard.type("Kim Keyboard");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Welcome back, Kim Keyboard" })).toBeVisible();
  await tabTo(page, page.getByRole("link", { name: /Anatomy of a Dockerfile/ }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/chapters\/anatomy$/);

  const terminal = page.getByRole("region", { name: "Terminal" });
  await expect(terminal).toHaveAttribute("data-terminal-state", "ready", { timeout: BUILD_MS });
  await expect(page.locator(".monaco-editor").first()).toBeVisible({ timeout: BUILD_MS });

  // The file tabs: Tab reaches the open one, the arrows move between files.
  const dockerfileTab = page.getByRole("tab", { name: /^Dockerfile/ });
  await tabTo(page, dockerfileTab);
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("tab", { name: /^index\.js/ })).toBeFocused();
  await expect(page.getByRole("tab", { name: /^index\.js/ })).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowLeft");
  await expect(dockerfileTab).toBeFocused();
  await expect(dockerfileTab).toHaveAttribute("aria-selected", "true");

  // Into the editor: Tab indents there, Ctrl+S saves, and after Ctrl+M Tab moves on.
  for (let i = 0; i < MAX_TABS && (await focusIn(page)) !== "editor"; i++) await page.keyboard.press("Tab");
  expect(await focusIn(page)).toBe("editor");
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  expect(await focusIn(page)).toBe("editor");
  await page.keyboard.type("# Edited with the keyboard alone.");
  await expect(dockerfileTab).toHaveAttribute("data-dirty", "true");
  await page.keyboard.press("Control+S");
  await expect(dockerfileTab).toHaveAttribute("data-dirty", "false", { timeout: 30_000 });
  const saved = (await (await page.request.get("/api/chapters/anatomy/files/Dockerfile")).json()) as { content: string };
  expect(saved.content).toMatch(/\n\s+# Edited with the keyboard alone\.\n?$/);
  const editorToggle = page.getByRole("region", { name: "Editor" }).getByRole("button", { name: /Tab moves focus/ });
  await expect(editorToggle).toHaveAttribute("aria-pressed", "false");
  await page.keyboard.press("Control+M");
  await expect(editorToggle).toHaveAttribute("aria-pressed", "true");
  await page.keyboard.press("Tab");
  expect(await focusIn(page)).not.toBe("editor");

  // The terminal: Tab completes in the shell until Ctrl+M.
  for (let i = 0; i < MAX_TABS && (await focusIn(page)) !== "terminal"; i++) await page.keyboard.press("Tab");
  expect(await focusIn(page)).toBe("terminal");
  await page.keyboard.type("clear; cd ~/docker-node-h");
  await page.keyboard.press("Tab");
  expect(await focusIn(page)).toBe("terminal");
  await page.keyboard.type(" && pwd");
  await page.keyboard.press("Enter");
  // The shell completed the folder's name (there is no folder "docker-node-h"): cd went there.
  await expect(terminal.locator(".xterm-rows")).toContainText("/home/learner/docker-node-hello", { timeout: 30_000 });
  // Upper case only in the output, not in the command line on the screen.
  await page.keyboard.type("docker image build -t example/docker-node-hello:latest . && echo built-by-keyboard | tr a-z A-Z");
  await page.keyboard.press("Enter");
  await expect(terminal.locator(".xterm-rows")).toContainText("BUILT-BY-KEYBOARD", { timeout: BUILD_MS });

  // Out of the terminal, back to the verdict beside it, and into the checks.
  const terminalToggle = terminal.getByRole("button", { name: /Tab moves focus/ });
  await page.keyboard.press("Control+M");
  await expect(terminalToggle).toHaveAttribute("aria-pressed", "true");
  const status = page.getByTestId("verdict-status");
  await expect(status).toHaveAttribute("data-tone", "passed", { timeout: BUILD_MS });
  await tabTo(page, status, "Shift+Tab");
  await page.keyboard.press("Enter");
  const checks = page.getByRole("region", { name: "Checks" });
  await expect(checks).toBeFocused();
  await expect(checks.locator('.check-list > li[data-status="passed"]')).toHaveCount(3);
  await expect(checks).toContainText("Step complete.");
  await page.screenshot({ path: `${SHOTS}/keyboard-01-checks-focused.png` });

  // Screen-reader mode: off at first (no accessible copy of the screen), on from the keyboard, kept after a reload.
  const screenReader = terminal.getByRole("button", { name: "Screen reader mode" });
  await expect(screenReader).toHaveAttribute("aria-pressed", "false");
  await expect(terminal.locator(".xterm-accessibility-tree")).toHaveCount(0);
  await tabTo(page, screenReader);
  await page.keyboard.press("Enter");
  await expect(screenReader).toHaveAttribute("aria-pressed", "true");
  await expect(terminal.locator(".xterm-accessibility-tree")).toContainText("BUILT-BY-KEYBOARD");
  await page.screenshot({ path: `${SHOTS}/keyboard-02-screen-reader-mode.png` });
  await page.reload();
  await expect(terminal).toHaveAttribute("data-terminal-state", "ready", { timeout: BUILD_MS });
  await expect(screenReader).toHaveAttribute("aria-pressed", "true");
  await expect(terminal.locator(".xterm-accessibility-tree")).toContainText("BUILT-BY-KEYBOARD", { timeout: 30_000 });
  // A new page's terminal keeps Tab for the shell again: Ctrl+M lets focus on to the terminal's bar.
  for (let i = 0; i < MAX_TABS && (await focusIn(page)) !== "terminal"; i++) await page.keyboard.press("Tab");
  expect(await focusIn(page)).toBe("terminal");
  await page.keyboard.press("Tab");
  expect(await focusIn(page)).toBe("terminal");
  await page.keyboard.press("Control+M");
  await tabTo(page, screenReader);
  await page.keyboard.press("Space");
  await expect(screenReader).toHaveAttribute("aria-pressed", "false");
  await expect(terminal.locator(".xterm-accessibility-tree")).toHaveCount(0);
}

test("the instructor's room with the keyboard alone: the grid, a learner's panel, their watched terminal", async ({ browser }) => {
  const instructorContext = await browser.newContext();
  const instructor = await instructorContext.newPage();
  await signInAsInstructor(instructor);
  const code = await createWorkshop(instructor, "Keyboard room", ["Anatomy of a Dockerfile"]);
  const learnerContext = await browser.newContext();
  await joinAs(await learnerContext.newPage(), code, "Lou Keys");

  // From here on, the instructor uses the keyboard only.
  await instructor.reload();
  const grid = instructor.getByRole("table", { name: "Learners and steps" });
  const learner = grid.getByRole("button", { name: "Lou Keys" });
  await expect(learner).toBeVisible();
  await tabTo(instructor, learner);
  await instructor.keyboard.press("Enter");
  const panel = instructor.getByRole("complementary", { name: "Learner Lou Keys" });
  await expect(panel).toBeVisible();
  await expect(grid.locator('tr[aria-selected="true"]')).toHaveAttribute("data-learner", "Lou Keys");

  // The watched terminal is read-only: Tab goes in and out again, never kept for a shell.
  for (let i = 0; i < MAX_TABS && (await focusIn(instructor)) !== "terminal"; i++) await instructor.keyboard.press("Tab");
  expect(await focusIn(instructor)).toBe("terminal");
  await instructor.keyboard.press("Tab");
  expect(await focusIn(instructor)).toBe("elsewhere");
  await expect(panel.getByRole("button", { name: "Screen reader mode" })).toBeFocused();

  // A reset is asked for and cancelled, and the panel is closed, from the keyboard.
  // Focus follows the question and comes back to the button, never dropped to the page.
  await tabTo(instructor, panel.getByRole("button", { name: "Reset sandbox…" }));
  await instructor.keyboard.press("Enter");
  await expect(panel.getByRole("button", { name: "Cancel" })).toBeFocused();
  await instructor.keyboard.press("Enter");
  await expect(panel.getByRole("button", { name: "Reset sandbox…" })).toBeFocused();
  await tabTo(instructor, panel.getByRole("button", { name: "Close the learner panel" }), "Shift+Tab");
  await instructor.keyboard.press("Enter");
  await expect(panel).toHaveCount(0);

  await endWorkshop(instructor);
  for (const context of [instructorContext, learnerContext]) await context.close();
});
