import { expect, type Page } from "@playwright/test";

/**
 * The e2e lab starts with an empty database: the first spec that needs an instructor creates the administrator
 * through the first-run page; every later one signs in with the same account. Share these, do not make another.
 */
export const E2E_ADMIN = { username: "e2e-admin", displayName: "Erin Instructor", password: "e2e admin password" };

export async function signInAsInstructor(page: Page): Promise<void> {
  await page.goto("/instructor");
  if (page.url().endsWith("/instructor/setup")) {
    await page.getByLabel("Username").fill(E2E_ADMIN.username);
    await page.getByLabel("Name shown to learners").fill(E2E_ADMIN.displayName);
    await page.getByLabel(/^Password/).fill(E2E_ADMIN.password);
    await page.getByRole("button", { name: "Create administrator" }).click();
  } else if (page.url().endsWith("/instructor/login")) {
    await page.getByLabel("Username").fill(E2E_ADMIN.username);
    await page.getByLabel("Password").fill(E2E_ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
  }
  await expect(page.getByRole("heading", { name: "Your workshops" })).toBeVisible();
}

/** Creates a workshop over the given chapters (and drills, for a race) from the dashboard; returns its join code, on its page. */
export async function createWorkshop(page: Page, title: string, chapterTitles?: string[], drillTitles: string[] = []): Promise<string> {
  await page.goto("/instructor");
  await page.getByLabel("Title").fill(title);
  if (chapterTitles) {
    for (const box of await page.getByRole("group", { name: "Chapters" }).getByRole("checkbox").all()) await box.uncheck();
    for (const chapter of chapterTitles) await page.getByRole("group", { name: "Chapters" }).getByLabel(chapter).check();
  }
  for (const drill of drillTitles) await page.getByRole("group", { name: /^Drills for a race/ }).getByLabel(drill).check();
  await page.getByRole("button", { name: "Create workshop" }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  const code = (await page.getByTestId("join-code").textContent())?.trim() ?? "";
  expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
  return code;
}

/** A learner joins from the link on the projector, as a new visitor. */
export async function joinAs(page: Page, code: string, name: string): Promise<void> {
  await page.goto(`/join/${code}`);
  await page.getByLabel("Your name, as the instructor will see it").fill(name);
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page.getByRole("heading", { name: `Welcome back, ${name}` })).toBeVisible();
}

/** Ends the workshop from its page, which removes its members' sandboxes: a test leaves none behind. */
export async function endWorkshop(instructor: Page, timeoutMs = 240_000): Promise<void> {
  instructor.once("dialog", (dialog) => void dialog.accept());
  await instructor.getByRole("button", { name: "End workshop" }).click();
  await expect(instructor.getByText(/Workshop ended; \d+ sandbox(es)? released/)).toBeVisible({ timeout: timeoutMs });
}
