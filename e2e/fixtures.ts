import { expect, type Locator, type Page } from "@playwright/test";

/**
 * Helpers the e2e specs share (issue 14): typing into the lab's terminal, screenshots, and the two screen sizes
 * the lab is judged at. Add to this file; keep what is here working for the specs that use it.
 */

export const SHOTS = "e2e/screenshots";

/** The smallest laptop screen the lab is made for, and a common larger one (issue 11). */
export const SCREENS = [
  { name: "1366x768", width: 1366, height: 768 },
  { name: "1440x900", width: 1440, height: 900 },
] as const;
export type Screen = (typeof SCREENS)[number];

/** Types a line into the page's terminal and presses Enter. The terminal takes keys only once it has focus. */
export async function typeInTerminal(page: Page, line: string): Promise<void> {
  await page.getByRole("region", { name: "Terminal" }).locator(".xterm-screen").click();
  await page.keyboard.type(line);
  await page.keyboard.press("Enter");
}

/** A screenshot under e2e/screenshots/NAME.png, after scrolling `focus` into view when given. */
export async function shot(page: Page, name: string, focus?: Locator): Promise<void> {
  await focus?.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** A new learner, started from the home page with a display name. */
export async function startAsLearner(page: Page, name: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel(/your name/i).fill(name);
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByRole("heading", { name: `Welcome back, ${name}` })).toBeVisible();
}

/** A screenshot at each of SCREENS, named NAME-<screen>; the page's own size is put back afterwards. */
export async function shotsAtBothSizes(page: Page, name: string, focus?: Locator): Promise<void> {
  const before = page.viewportSize();
  for (const screen of SCREENS) {
    await page.setViewportSize({ width: screen.width, height: screen.height });
    await shot(page, `${name}-${screen.name}`, focus);
  }
  if (before) await page.setViewportSize(before);
}

/** A new learner opens the first chapter of the catalog. */
export async function openFirstChapter(page: Page, name: string): Promise<void> {
  await page.goto("/");
  await page.getByLabel(/your name/i).fill(name);
  await page.getByRole("button", { name: "Start" }).click();
  await page.getByRole("list", { name: "Chapters" }).getByRole("link").first().click();
  await expect(page).toHaveURL(/\/chapters\//);
}

/** Waits until the page's terminal has a shell at a prompt. */
export async function terminalReady(page: Page): Promise<Locator> {
  const terminal = page.getByRole("region", { name: "Terminal" });
  await expect(terminal).toHaveAttribute("data-terminal-state", "ready", { timeout: 180_000 });
  await expect(terminal.locator(".xterm-rows")).toContainText("$", { timeout: 30_000 });
  return terminal;
}

/** A new learner at the smaller screen, on `path` (a chapter or a drill page). */
export async function openAsNewLearner(page: Page, name: string, path: string): Promise<void> {
  await page.setViewportSize(SCREENS[0]);
  await startAsLearner(page, name);
  await page.goto(path);
}

/** A new learner starts drill `drillId`; resolves once its clock runs (the sandbox and the drill's files are ready). */
export async function startDrillAsNewLearner(page: Page, name: string, drillId: string): Promise<Locator> {
  await openAsNewLearner(page, name, `/drills/${drillId}`);
  await page.getByRole("button", { name: "Start the drill" }).click();
  const clock = page.getByRole("timer", { name: "Time on this drill" });
  await expect(clock).toHaveAttribute("data-running", "true", { timeout: 180_000 });
  return clock;
}

/** A file's tab in the editor; its name may go on with an "unsaved" mark, never with more of a file name. */
export function editorTab(page: Page, file: string): Locator {
  return page.getByRole("tab", { name: new RegExp(`^${file.replaceAll(".", "\\.")}(?![\\w.])`) });
}

/**
 * Replaces a file's text in the editor and saves it into the sandbox with Ctrl+S, then reads it back through the
 * exercise's workspace routes (`api`: /api/chapters/<id> or /api/drills/<id>): what reached the sandbox is exactly
 * what was written.
 */
export async function editAndSave(page: Page, api: string, file: string, text: string): Promise<void> {
  const tab = editorTab(page, file);
  await tab.click();
  await expect(tab).toHaveAttribute("aria-selected", "true");
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+A");
  // As one input, so the editor does not auto-close the brackets and quotes it would close for a typist.
  await page.keyboard.insertText(text);
  await expect(tab).toHaveAttribute("data-dirty", "true");
  await page.keyboard.press("Control+S");
  await expect(tab).toHaveAttribute("data-dirty", "false", { timeout: 30_000 });
  const saved = await page.request.get(`${api}/files/${file}`);
  expect(((await saved.json()) as { content?: string }).content).toBe(text);
}

/** The checks of the step in view. */
export function stepChecks(page: Page): Locator {
  return page.getByRole("region", { name: "Checks" }).locator(".check-list > li");
}

/** All `count` checks of the step in view pass (builds may take `timeout`), and the step says it is complete. */
export async function expectAllChecksPassed(page: Page, count: number, timeout: number): Promise<void> {
  await expect(stepChecks(page)).toHaveCount(count);
  await expect(stepChecks(page).and(page.locator('[data-status="passed"]'))).toHaveCount(count, { timeout });
  await expect(page.getByText("Step complete.")).toBeVisible();
}

/** The Dockerfile as the editor holds it (the model, not only the lines on screen). */
export function editorText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const monaco = (window as unknown as { monaco: { editor: { getModels(): { uri: { path: string }; getValue(): string }[] } } }).monaco;
    return monaco.editor.getModels().find((m) => m.uri.path.endsWith("/Dockerfile"))?.getValue() ?? "";
  });
}
