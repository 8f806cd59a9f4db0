import { expect, test } from "@playwright/test";
import { scanPage, seriousOrCritical, tourEveryPage } from "./a11y-pages.test-support";

/**
 * Every page of the lab passes an automated WCAG 2.2 AA scan (axe-core) with no serious or critical violation,
 * each page scanned as its user sees it: a chapter and a drill with their sandbox up, the instructor's room with a
 * learner in it and that learner's terminal watched. The second test shows the scan would catch a violation.
 */

const PAGES = [
  "home (new visitor)",
  "join",
  "not found",
  "instructor sign-in",
  "instructor workshop list",
  "join with a code",
  "chapter catalog",
  "drill catalog",
  "chapter",
  "drill (before the start)",
  "drill",
  "workshop with its room",
  "workshop, a learner's terminal watched",
  "projector",
  "chapter locked by the instructor",
  "chapter catalog with a locked chapter",
];

test("every page passes WCAG 2.2 AA with no serious or critical violation", async ({ browser, baseURL }) => {
  test.setTimeout(20 * 60_000);
  const scanned: string[] = [];
  await tourEveryPage(browser, baseURL!, async (name, page) => {
    const scan = await scanPage(page, name);
    scanned.push(name);
    // Soft: one page's violations do not hide the next page's.
    expect.soft(seriousOrCritical(scan), `${name} (${scan.path})`).toEqual([]);
  });
  // The first-run page is there only on a lab without an administrator; every other page is always visited.
  expect(scanned.filter((name) => name !== "instructor first run").sort()).toEqual([...PAGES].sort());
});

test("the scan catches serious and critical violations (positive control)", async ({ page }) => {
  await page.goto("/join");
  await expect(page.getByRole("button", { name: "Join" })).toBeVisible();
  expect(seriousOrCritical(await scanPage(page, "join"))).toEqual([]);

  // What a careless edit would add: a button with only an icon, an image without a text, grey text on grey.
  await page.evaluate(() => {
    const main = document.querySelector("main")!;
    const button = document.createElement("button");
    button.innerHTML = '<svg width="12" height="12" aria-hidden="true"><rect width="12" height="12"/></svg>';
    const image = document.createElement("img");
    image.src = "/favicon.ico";
    const faint = document.createElement("p");
    faint.textContent = "Hard to read";
    faint.style.color = "#2a3540";
    main.append(button, image, faint);
  });
  const found = seriousOrCritical(await scanPage(page, "join with faults"));
  expect(found.map((v) => `${v.id}:${v.impact}`).sort()).toEqual(["button-name:critical", "color-contrast:serious", "image-alt:critical"]);
});
