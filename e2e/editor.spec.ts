import { expect, test, type Page } from "@playwright/test";
import { editorText, openFirstChapter, SHOTS, terminalReady, typeInTerminal } from "./fixtures";

/**
 * The exercise editor against a real sandbox: Monaco comes from the lab itself (no CDN), a save lands in the
 * sandbox where the terminal sees it, and a change made in the terminal reaches the editor without ever
 * dropping the learner's unsaved edits.
 */

async function editorReady(page: Page): Promise<void> {
  await expect(page.locator(".monaco-editor")).toBeVisible({ timeout: 150_000 });
  await expect(page.getByRole("tab", { name: /^Dockerfile/ })).toHaveAttribute("aria-selected", "true");
}

/** Types at the end of the open file, on a new line. */
async function appendInEditor(page: Page, text: string): Promise<void> {
  await page.locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.type(text);
}

async function exerciseFolder(page: Page): Promise<string> {
  return (await page.getByTitle("The exercise folder in your sandbox").textContent())!.trim();
}

test("the editor loads from the lab, lints the Dockerfile, and a save is what the terminal sees", async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const elsewhere: string[] = [];
  const monacoFiles: string[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (url.startsWith("data:") || url.startsWith("blob:")) return;
    if (new URL(url).origin !== origin) elsewhere.push(url);
    else if (new URL(url).pathname.startsWith("/monaco/vs/")) monacoFiles.push(new URL(url).pathname);
  });

  await openFirstChapter(page, "Editor Tester");
  // While the sandbox starts, the editor says what is happening rather than sitting blank.
  await expect(page.getByText("Preparing your sandbox").or(page.locator(".monaco-editor"))).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/editor-starting.png` });
  await editorReady(page);
  expect(await editorText(page)).toMatch(/^FROM /m);

  // dockerfile-utils runs in the browser: a misspelt instruction is marked as the learner types.
  await appendInEditor(page, "RUNN echo typo");
  await expect(page.locator(".monaco-editor .squiggly-error")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/editor-diagnostics.png` });
  await page.keyboard.press("Home");
  await page.keyboard.press("Shift+End");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Backspace");
  await expect(page.locator(".monaco-editor .squiggly-error")).toHaveCount(0);

  await appendInEditor(page, "# edited-in-browser-42");
  const tab = page.getByRole("tab", { name: /^Dockerfile/ });
  await expect(tab.getByLabel("unsaved")).toBeVisible();
  await page.keyboard.press("Control+s");
  await expect(page.getByText(/^Saved Dockerfile at /)).toBeVisible();
  await expect(tab.getByLabel("unsaved")).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/editor-saved.png` });

  await terminalReady(page);
  // Upper-cased by the shell, so the echo of the command line itself cannot match. The saved file ends without a
  // newline (the learner typed none), so paste ends the output with one: otherwise the prompt shares the row and a
  // terminal resize (SIGWINCH: readline clears the whole row and redraws its prompt) wipes the line off the screen.
  await typeInTerminal(page, `tail -n 1 ${await exerciseFolder(page)}/Dockerfile | tr a-z A-Z | paste -sd ,`);
  await expect(page.getByRole("region", { name: "Terminal" }).locator(".xterm-rows")).toContainText("# EDITED-IN-BROWSER-42");
  await page.screenshot({ path: `${SHOTS}/editor-cat-in-terminal.png` });

  expect(monacoFiles).toContain("/monaco/vs/loader.js");
  expect(elsewhere, "requests that left the lab (a CDN?)").toEqual([]);
});

test("a change made in the terminal reaches the editor, and never overwrites unsaved edits", async ({ page }) => {
  await openFirstChapter(page, "Sync Tester");
  await editorReady(page);
  await terminalReady(page);
  const folder = await exerciseFolder(page);
  const dockerfile = `${folder}/Dockerfile`;
  const editor = page.getByRole("region", { name: "Editor" });

  // No unsaved edits: the editor follows the terminal quietly.
  await typeInTerminal(page, `echo "# from-terminal-$((6*7))" >> ${dockerfile}`);
  await expect.poll(() => editorText(page), { timeout: 20_000 }).toContain("# from-terminal-42");
  await expect(editor.getByRole("alert")).toHaveCount(0);

  // Unsaved edits: they stay, and a banner offers the newer version.
  await appendInEditor(page, "# mine-1");
  await typeInTerminal(page, `echo "# theirs-$((40+1))" >> ${dockerfile}`);
  const banner = editor.getByRole("alert").filter({ hasText: "changed in the sandbox" });
  await expect(banner).toBeVisible({ timeout: 20_000 });
  expect(await editorText(page)).toContain("# mine-1");
  await page.screenshot({ path: `${SHOTS}/editor-changed-banner.png` });
  await banner.getByRole("button", { name: "Load the new version" }).click();
  await expect.poll(() => editorText(page)).toContain("# theirs-41");
  expect(await editorText(page)).not.toContain("# mine-1");

  // A save over a version the editor has not seen is refused, and the learner decides.
  await appendInEditor(page, "# mine-2");
  await typeInTerminal(page, `echo "# theirs-$((40+2))" >> ${dockerfile}; echo done-$((2*3))`);
  await expect(page.getByRole("region", { name: "Terminal" }).locator(".xterm-rows")).toContainText("done-6");
  await page.locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Control+s");
  const refused = editor.getByRole("alert").filter({ hasText: "Not saved" });
  await expect(refused.or(banner)).toBeVisible({ timeout: 20_000 });
  await page.screenshot({ path: `${SHOTS}/editor-save-refused.png` });
  // Whichever came first (the poll's banner or the refused save), keeping mine and saving writes mine.
  if (await refused.isVisible()) await refused.getByRole("button", { name: "Overwrite with mine" }).click();
  else {
    await banner.getByRole("button", { name: "Keep mine" }).click();
    await page.keyboard.press("Control+s");
  }
  await expect(page.getByText(/^Saved Dockerfile at /)).toBeVisible();
  // The file ended with a newline, so the appended line follows an empty one; "# mine-2" is the last line and has
  // no newline, so paste joins the three lines on one row that ends with one (see the first test for why).
  await typeInTerminal(page, `tail -n 3 ${dockerfile} | tr a-z A-Z | paste -sd ,`);
  const rows = page.getByRole("region", { name: "Terminal" }).locator(".xterm-rows");
  await expect(rows).toContainText("# THEIRS-41,,# MINE-2");
  await expect(rows).not.toContainText("# THEIRS-42");
  await page.screenshot({ path: `${SHOTS}/editor-overwrote.png` });
});
