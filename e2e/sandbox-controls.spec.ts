import { expect, test, type Locator, type Page } from "@playwright/test";
import { editorText, shotsAtBothSizes, startAsLearner, terminalReady, typeInTerminal } from "./fixtures";
import { createWorkshop, E2E_ADMIN, joinAs, signInAsInstructor } from "./instructor";

/**
 * A learner's own sandbox controls on a chapter page, against a real lab and real sandboxes: "Restart my sandbox"
 * brings the terminal back by itself with the learner's file still there; "Start over" asks first (Cancel keeps
 * everything), then gives a fresh sandbox whose exercise files the editor shows without a reload; and an
 * instructor's reset tells the learner who did it, the files coming back the same way.
 */

async function openAnatomy(page: Page): Promise<void> {
  await page.getByRole("link", { name: /Anatomy of a Dockerfile/ }).first().click();
  await expect(page).toHaveURL(/\/chapters\/anatomy$/);
  await expect(page.locator(".monaco-editor")).toBeVisible({ timeout: 150_000 });
  await expect(page.getByRole("tab", { name: /^Dockerfile/ })).toHaveAttribute("aria-selected", "true");
  await terminalReady(page);
}

/** Appends a line to the Dockerfile in the editor and saves it into the sandbox. */
async function saveEdit(page: Page, line: string): Promise<void> {
  await page.locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.type(line);
  await page.keyboard.press("Control+s");
  await expect(page.getByText(/^Saved Dockerfile at/)).toBeVisible({ timeout: 30_000 });
}

/** A mark that lives only as long as this page does: still there afterwards means no reload happened. */
async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
}
async function expectSamePage(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
}

/** The editor shows the chapter's own Dockerfile again: the edit gone, no tab unsaved, no "not in your sandbox". */
async function expectFreshExerciseFiles(page: Page, edit: string): Promise<void> {
  await expect.poll(() => editorText(page), { timeout: 60_000 }).not.toContain(edit);
  expect(await editorText(page)).toMatch(/^FROM /m);
  await expect(page.locator(".lab-editor-dirty")).toHaveCount(0);
  await expect(page.getByText(/is not in your sandbox/)).toHaveCount(0);
  await expect(page.getByText(/changed in the sandbox/)).toHaveCount(0);
}

test("Restart keeps the learner's file; Start over asks first, then the editor shows the fresh exercise files without a reload", async ({ page }) => {
  test.setTimeout(10 * 60_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  await startAsLearner(page, "Reset Tester");
  await openAnatomy(page);
  const terminal = page.getByRole("region", { name: "Terminal" });
  const rows = terminal.locator(".xterm-rows");
  const notice = page.getByTestId("sandbox-notice");

  // Restart: the terminal comes back by itself (no "press Enter"), and the file is still there.
  await typeInTerminal(page, "echo kept-$((6*7)) > ~/kept.txt; cat ~/kept.txt");
  await expect(rows).toContainText("kept-42");
  await markPage(page);
  await page.getByRole("button", { name: "Restart my sandbox" }).click();
  await expect(notice).toContainText("Restarting your sandbox");
  await expect(notice).toContainText("You restarted your sandbox", { timeout: 120_000 });
  await expect(terminal).not.toHaveAttribute("data-terminal-state", "exited");
  await terminalReady(page);
  await typeInTerminal(page, "cat ~/kept.txt && echo after-restart-$((2+2))");
  await expect(rows).toContainText("after-restart-4", { timeout: 30_000 });
  await shotsAtBothSizes(page, "sandbox-restarted");
  await expectSamePage(page);

  // Start over asks first and says what is lost; Cancel keeps everything.
  const edit = "# mine-77-edit";
  await saveEdit(page, edit);
  await page.getByRole("button", { name: "Start over" }).click();
  const dialog = page.getByRole("dialog", { name: "Start over with a fresh sandbox?" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("every file in your sandbox");
  await expect(dialog).toContainText("the images you built");
  await expect(dialog).toContainText("build cache");
  await expect(dialog).toContainText("containers that are running");
  await expect(dialog).toContainText("Your progress (steps passed, hints, drill scores) is kept.");
  await shotsAtBothSizes(page, "sandbox-start-over-confirm");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await typeInTerminal(page, "cat ~/kept.txt && grep -c mine- ~/docker-node-hello/Dockerfile && echo still-$((3+3))");
  await expect(rows).toContainText("still-6", { timeout: 30_000 });
  expect(await editorText(page)).toContain(edit);

  // Confirmed: a fresh sandbox, the exercise files back in the editor, the page never reloaded.
  await page.getByRole("button", { name: "Start over" }).click();
  await dialog.getByRole("button", { name: "Start over" }).click();
  await expect(notice).toContainText("You started over with a fresh sandbox", { timeout: 180_000 });
  await expectFreshExerciseFiles(page, edit);
  await terminalReady(page);
  await typeInTerminal(page, "ls ~/kept.txt || echo gone-$((2+2))");
  await expect(rows).toContainText("gone-4", { timeout: 30_000 });
  await shotsAtBothSizes(page, "sandbox-started-over");
  await expectSamePage(page);
});

test("an instructor's reset names the instructor, and the exercise files come back in the editor without a reload", async ({ browser }) => {
  test.setTimeout(10 * 60_000);
  const instructor = await (await browser.newContext()).newPage();
  await signInAsInstructor(instructor);
  const code = await createWorkshop(instructor, "Controls room", ["Anatomy of a Dockerfile"]);
  const learner = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
  await joinAs(learner, code, "Rosa");
  await openAnatomy(learner);
  const edit = "# rosa-was-here";
  await saveEdit(learner, edit);
  await markPage(learner);

  const row = instructor.getByRole("table", { name: "Learners and steps" }).locator('tr[data-learner="Rosa"]');
  await row.getByRole("button", { name: "Rosa" }).click();
  const panel = instructor.getByRole("complementary", { name: "Learner Rosa" });
  await panel.getByRole("button", { name: "Reset sandbox…" }).click();
  await panel.getByRole("button", { name: "Reset", exact: true }).click();

  await expect(learner.getByTestId("sandbox-notice")).toContainText(`Your instructor ${E2E_ADMIN.displayName} gave you a fresh sandbox`, { timeout: 180_000 });
  await expectFreshExerciseFiles(learner, edit);
  // The terminal reconnects by itself into the new sandbox: never "stopped while you were away".
  await expect(learner.getByText(/stopped while you were away/)).toHaveCount(0);
  await terminalReady(learner);
  await shotsAtBothSizes(learner, "sandbox-instructor-reset");
  await expectSamePage(learner);
  await expect(panel.getByText("Rosa has a fresh sandbox.")).toBeVisible({ timeout: 60_000 });
  for (const page of [instructor, learner]) await page.context().close();
});
