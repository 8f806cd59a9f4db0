import { expect, test, type Locator, type Page } from "@playwright/test";
import { editAndSave as editAndSaveIn, SCREENS, shot as shotAs, startAsLearner, startDrillAsNewLearner, typeInTerminal } from "./fixtures";

/**
 * A learner plays one troubleshooting drill to the end in the browser: starts it from the catalog, sees
 * the broken project fail (in the terminal and in the lab's check), opens a hint at its time cost, fixes
 * the Dockerfile in the editor, and gets a passing verdict with a score and a place on the leaderboard.
 * The drill's names come from the attempt's variant, so the test reads them from the page.
 */

const DRILL = "shell-exec-form";
/** The lab's check builds and runs the project; the first build pulls busybox from the lab registry. */
const CHECK_MS = 180_000;


/** The drill's files, saved through its workspace routes. */
const editAndSave = (page: Page, file: string, text: string, drill = DRILL) => editAndSaveIn(page, `/api/drills/${drill}`, file, text);

function check(page: Page, id: string): Locator {
  return page.getByRole("region", { name: "Checks" }).locator(`[data-check-id="${id}"]`);
}

async function shot(page: Page, name: string, focus?: Locator): Promise<void> {
  await shotAs(page, `drill-${name}`, focus);
}

test("a learner plays a drill to the end: broken, hint, fixed in the editor, scored", async ({ page }) => {
  test.setTimeout(10 * 60_000);

  await startAsLearner(page, "Drill Tester");
  await page.getByRole("link", { name: /Troubleshooting drills/ }).click();
  await expect(page).toHaveURL(/\/drills$/);
  await expect(page.getByRole("list", { name: "Drills" }).getByRole("listitem")).toHaveCount(25);
  await shot(page, "01-catalog");
  await page.getByRole("link", { name: /Hello, \$NAME/ }).click();
  await expect(page).toHaveURL(new RegExp(`/drills/${DRILL}$`));

  await page.getByRole("button", { name: "Start the drill" }).click();
  const goal = page.getByRole("region", { name: "Goal" });
  await expect(goal).toContainText("must print exactly", { timeout: 180_000 });
  const [, app, name] = /docker run --rm drill\/(\S+)\s+must print exactly\s+Hello, (\S+)!/.exec((await goal.innerText()).replace(/`/g, "")) ?? [];
  expect(app, await goal.innerText()).toBeTruthy();
  const clock = page.getByRole("timer", { name: "Time on this drill" });
  await expect(clock).toHaveAttribute("data-running", "true");

  const terminal = page.getByRole("region", { name: "Terminal" });
  await expect(terminal).toHaveAttribute("data-terminal-state", "ready", { timeout: 180_000 });
  await expect(page.getByRole("tab", { name: /^Dockerfile/ })).toBeVisible();
  await shot(page, "02-started");

  // The broken project, as the learner meets it: the variable's name, not its value.
  await typeInTerminal(page, `cd ~/drills/${DRILL} && docker build -q -t drill/${app} . && docker run --rm drill/${app}`);
  await expect(terminal.locator(".xterm-rows")).toContainText("$GREETING, $NAME!", { timeout: CHECK_MS });
  await page.getByRole("button", { name: "Check my fix" }).click();
  await expect(check(page, "greets")).toHaveAttribute("data-status", "failed", { timeout: CHECK_MS });
  await expect(check(page, "greets")).toContainText("$GREETING, $NAME!");
  await shot(page, "03-broken");

  // A hint costs time: the clock shows the penalty.
  await page.getByRole("button", { name: /Hint 1 of 3 \(\+60 s\)/ }).click();
  await expect(page.getByRole("region", { name: "Help" })).toContainText("Hint 1");
  await expect(clock).toContainText("+1:00 hints");

  // The fix, in the editor: shell form, so a shell expands the variables.
  const dockerfile = ((await (await page.request.get(`/api/drills/${DRILL}/files/Dockerfile`)).json()) as { content: string }).content;
  expect(dockerfile).toContain(`NAME=${name}`);
  await editAndSave(page, "Dockerfile", dockerfile.replace('CMD ["echo", "$GREETING, $NAME!"]', 'CMD echo "$GREETING, $NAME!"'));
  await page.getByRole("button", { name: "Check my fix" }).click();
  await expect(page.getByText("Fixed. The image builds and does what it should.")).toBeVisible({ timeout: CHECK_MS });
  await expect(check(page, "builds")).toHaveAttribute("data-status", "passed");
  await expect(check(page, "greets")).toHaveAttribute("data-status", "passed");
  await expect(clock).toHaveAttribute("data-running", "false");
  await expect(page.getByTestId("drill-score")).toContainText(/Fixed in \d+:\d\d · score \d+ \/ 1000/);
  // The reference fix is shown once the attempt is over, and the leaderboard has the new score.
  await expect(page.getByRole("region", { name: "Help" })).toContainText("Reference fix");
  const board = page.getByRole("region", { name: "Leaderboard" });
  await expect(board.locator("li.you")).toContainText("Drill Tester");
  await shot(page, "04-fixed");

  // The score is kept: the catalog shows it.
  await page.goto("/drills");
  await expect(page.getByRole("link", { name: /Hello, \$NAME/ })).toContainText(/best \d+/);
  await shot(page, "05-catalog-after");
});

test("giving up asks first, then stops the clock and shows the fix; a later pass is not called fixed; a new attempt starts fresh", async ({ page }) => {
  test.setTimeout(8 * 60_000);
  const clock = await startDrillAsNewLearner(page, "Drill Quitter", "arg-scope");
  // Before the end, no fix is on the page.
  await expect(page.getByText("Reference fix", { exact: true })).toHaveCount(0);

  // Giving up asks first, and says what happens.
  const confirm = page.getByRole("dialog", { name: "Give up this attempt?" });
  await page.getByRole("button", { name: "Give up and show the fix" }).click();
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText("The attempt ends now and its clock stops, the reference fix is shown, and this attempt gets no score.");
  for (const screen of SCREENS) {
    await page.setViewportSize(screen);
    await shot(page, `give-up-confirm-${screen.name}`);
  }
  // "Keep trying" changes nothing.
  await confirm.getByRole("button", { name: "Keep trying" }).click();
  await expect(confirm).toBeHidden();
  await expect(clock).toHaveAttribute("data-running", "true");
  await expect(page.getByText("Reference fix", { exact: true })).toHaveCount(0);

  await page.getByRole("button", { name: "Give up and show the fix" }).click();
  const gaveUp = page.waitForResponse((r) => r.url().endsWith("/api/drills/arg-scope/give-up") && r.ok());
  await confirm.getByRole("button", { name: "Give up and show the fix" }).click();
  const fix = ((await (await gaveUp).json()) as { fix: { files: { path: string; content: string }[] } }).fix;
  await expect(clock).toHaveAttribute("data-running", "false");
  await expect(page.getByText("Given up: no score.")).toBeVisible();
  const help = page.getByRole("region", { name: "Help" });
  await expect(help).toContainText("Reference fix");
  await expect(help).toContainText(/ARG VERSION\s+LABEL/);
  await shot(page, "06-gave-up");

  // The learner applies the reference fix and checks: the project works, but the attempt was given up, so the
  // page must not call it fixed, and no score appears. (The first test is the positive control: "Fixed." there.)
  const dockerfile = fix.files.find((f) => f.path === "Dockerfile")!.content;
  await editAndSave(page, "Dockerfile", dockerfile, "arg-scope");
  await page.getByRole("button", { name: "Check my fix" }).click();
  const checks = page.getByRole("region", { name: "Checks" });
  await expect(checks.locator('[data-check-id="version"]')).toHaveAttribute("data-status", "passed", { timeout: CHECK_MS });
  await expect(page.getByTestId("drill-after-give-up")).toContainText("You gave up on this attempt, so it has no score");
  await expect(page.getByText("Fixed. The image builds and does what it should.")).toHaveCount(0);
  await expect(page.getByTestId("drill-score")).toHaveCount(0);
  for (const screen of SCREENS) {
    await page.setViewportSize(screen);
    await shot(page, `checked-after-give-up-${screen.name}`, checks);
  }

  await page.getByRole("button", { name: "Try again (new variant)" }).click();
  await expect(clock).toHaveAttribute("data-running", "true", { timeout: 60_000 });
  await expect(page.getByText("Reference fix", { exact: true })).toHaveCount(0);
  await expect(page.getByTestId("drill-after-give-up")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Check my fix" })).toBeEnabled();
});

/**
 * Issue 11, point 7: a failed build's message quotes the line that says what went wrong (npm's `Unknown command`),
 * not the usage text npm prints after it (`npm help`).
 */
test("a failed build's message quotes npm's error line, not its usage text", async ({ page }) => {
  test.setTimeout(8 * 60_000);
  await startDrillAsNewLearner(page, "Drill Reader", "run-typo");
  await page.getByRole("button", { name: "Check my fix" }).click();
  const builds = page.getByRole("region", { name: "Checks" }).locator('[data-check-id="builds"]');
  await expect(builds).toHaveAttribute("data-status", "failed", { timeout: CHECK_MS });
  await expect(builds.locator(".check-message")).toContainText('does not build: the failed step printed `Unknown command: "installer"`');
  await expect(builds.locator(".check-message")).not.toContainText("npm help");
  // The compact status beside the terminal quotes it too.
  await expect(page.getByTestId("verdict-status")).toContainText('Your fix failed: The project builds as drill/');
  await expect(page.getByTestId("verdict-status")).toContainText('Unknown command: "installer"');
  await expect(page.getByTestId("verdict-status")).toBeInViewport();
  for (const screen of SCREENS) {
    await page.setViewportSize(screen);
    await shot(page, `npm-error-line-${screen.name}`, builds);
  }
});
