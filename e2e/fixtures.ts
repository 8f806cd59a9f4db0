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
