import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { createWorkshop, E2E_ADMIN, joinAs, signInAsInstructor } from "./instructor";
import { SCREENS, shot, typeInTerminal } from "./fixtures";

/**
 * An instructor sets up a workshop; two learners join in their own browser contexts (one by the link, one by
 * typing the code after a wrong one); the instructor locks a chapter, broadcasts a message and ends the
 * workshop, and each learner's page follows without a reload.
 */
test("an instructor runs a workshop: create, join, lock, broadcast, end", async ({ browser }) => {
  const instructorContext = await browser.newContext();
  const instructor = await instructorContext.newPage();
  await signInAsInstructor(instructor);
  const code = await createWorkshop(instructor, "Images, Tuesday morning", ["Anatomy of a Dockerfile", "Layers are additive"]);
  await expect(instructor.getByRole("img", { name: /QR code for http:\/\/localhost:\d+\/join\// })).toBeVisible();

  const adaContext = await browser.newContext();
  const ada = await adaContext.newPage();
  await joinAs(ada, code, "Ada");
  await expect(ada.getByRole("region", { name: "Workshop" })).toContainText("Workshop: Images, Tuesday morning");

  const linContext = await browser.newContext();
  const lin = await linContext.newPage();
  await lin.goto("/join");
  await lin.getByLabel("Workshop code").fill("ZZZZZZ");
  await lin.getByLabel("Your name, as the instructor will see it").fill("Lin");
  await lin.getByRole("button", { name: "Join" }).click();
  await expect(lin.getByRole("form", { name: "Join a workshop" }).getByRole("alert")).toHaveText("No workshop has the code ZZZZZZ. Check it on the projector.");
  // Codes are forgiving about case and dashes.
  await lin.getByLabel("Workshop code").fill(`${code.slice(0, 3).toLowerCase()}-${code.slice(3).toLowerCase()}`);
  await lin.getByRole("button", { name: "Join" }).click();
  await expect(lin.getByRole("heading", { name: "Welcome back, Lin" })).toBeVisible();

  // Lock a chapter: Ada's catalog shows it locked without a reload, and the chapter itself refuses.
  await instructor.reload();
  await instructor.getByRole("button", { name: "Lock Anatomy of a Dockerfile" }).click();
  await expect(instructor.getByRole("button", { name: "Unlock Anatomy of a Dockerfile" })).toBeVisible();
  const anatomyCard = ada.getByRole("listitem").filter({ hasText: "Anatomy of a Dockerfile" });
  await expect(anatomyCard).toContainText("Locked by your instructor");
  await expect(anatomyCard.getByRole("link")).toHaveCount(0);
  const refused = await ada.request.post("/api/chapters/anatomy/steps/build/focus", { headers: { origin: new URL(ada.url()).origin } });
  expect(refused.status()).toBe(403);
  const chapterPage = await linContext.newPage();
  await chapterPage.goto("/chapters/anatomy");
  await expect(chapterPage.getByRole("status")).toContainText("Your instructor has locked this chapter for now");
  await chapterPage.close();

  // A broadcast appears on every learner's page at once.
  await instructor.getByPlaceholder("Appears on every learner's page").fill("Coffee break: back at 11:00");
  await instructor.getByRole("button", { name: "Broadcast" }).click();
  await expect(instructor.getByText("Sent to 2 learners.")).toBeVisible();
  for (const learner of [ada, lin]) await expect(learner.getByTestId("room-notice")).toContainText("Coffee break: back at 11:00");

  // Unlocking gives the chapter back.
  await instructor.getByRole("button", { name: "Unlock Anatomy of a Dockerfile" }).click();
  await expect(anatomyCard.getByRole("link")).toHaveCount(1);

  // Ending the workshop tells the learners and stops further joins.
  instructor.once("dialog", (dialog) => void dialog.accept());
  await instructor.getByRole("button", { name: "End workshop" }).click();
  await expect(instructor.getByText(/Workshop ended; \d+ sandbox(es)? released/)).toBeVisible();
  await expect(ada.getByRole("region", { name: "Workshop" })).toContainText("has ended");
  const late = await browser.newContext();
  const latePage = await late.newPage();
  await latePage.goto(`/join/${code}`);
  await latePage.getByLabel("Your name, as the instructor will see it").fill("Late");
  await latePage.getByRole("button", { name: "Join" }).click();
  await expect(latePage.getByRole("form", { name: "Join a workshop" }).getByRole("alert")).toHaveText("This workshop has ended.");

  for (const context of [instructorContext, adaContext, linContext, late]) await context.close();
});

/**
 * A drill race: the instructor picks a drill for the room; the learner finds it first in the catalog; the room's
 * leaderboard stays hidden until the instructor shows it, and an open drill page follows without a reload.
 */
test("a drill race: chosen drills come first for the room, and showing the board reaches an open drill page", async ({ browser }) => {
  const instructorContext = await browser.newContext();
  const instructor = await instructorContext.newPage();
  await signInAsInstructor(instructor);
  const code = await createWorkshop(instructor, "Friday drill race", ["Layers are additive"], ["The version that vanished"]);
  const control = instructor.getByRole("region", { name: "Drill leaderboard" });
  await expect(control).toContainText("The race: The version that vanished");
  await expect(control).toContainText("hidden from the room");

  const learnerContext = await browser.newContext();
  const learner = await learnerContext.newPage();
  await joinAs(learner, code, "Rosa");
  await learner.goto("/drills");
  await expect(learner.getByRole("list", { name: "Your workshop's drills" }).getByRole("link")).toHaveText([/The version that vanished/]);
  await learner.screenshot({ path: "e2e/screenshots/workshop-drill-catalog.png" });
  await learner.getByRole("list", { name: "Your workshop's drills" }).getByRole("link").click();
  await expect(learner.getByText("Your instructor has not opened the leaderboard for this room.")).toBeVisible();

  await control.getByRole("button", { name: "Show to the room" }).click();
  await expect(control).toContainText("the room sees it");
  const board = learner.getByRole("region", { name: "Leaderboard" });
  await expect(board).toContainText("your room");
  await expect(board).toContainText("No one has fixed this one yet.");
  await learner.screenshot({ path: "e2e/screenshots/workshop-drill-race.png" });
  await control.screenshot({ path: "e2e/screenshots/workshop-drill-board.png" });

  await control.getByRole("button", { name: "Hide from the room" }).click();
  await expect(learner.getByText("Your instructor has not opened the leaderboard for this room.")).toBeVisible();
  for (const context of [instructorContext, learnerContext]) await context.close();
});

test("another instructor's workshop is not there for them", async ({ browser }) => {
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signInAsInstructor(admin);
  await createWorkshop(admin, "Admin's own room", ["Layers are additive"]);
  const workshopUrl = admin.url();
  // The administrator adds a second instructor, who signs in elsewhere.
  await admin.goto("/instructor");
  const form = admin.locator("form").filter({ has: admin.getByRole("button", { name: "Add instructor" }) });
  const username = `other-${Date.now()}`;
  await form.getByLabel("Username").fill(username);
  await form.getByLabel("Name shown to learners").fill("Other Instructor");
  await form.getByLabel(/^Password/).fill("other instructor password");
  await form.getByRole("button", { name: "Add instructor" }).click();
  await expect(admin.getByText(`Added ${username}.`)).toBeVisible();

  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await other.goto("/instructor/login");
  await other.getByLabel("Username").fill(username);
  await other.getByLabel("Password").fill("other instructor password");
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other.getByText("No workshops yet")).toBeVisible();
  const response = await other.goto(workshopUrl);
  expect(response?.status()).toBe(404);
  for (const context of [adminContext, otherContext]) await context.close();
});

/** Chapter 01's first build pulls node:18 from the lab registry and runs useradd: minutes on a busy machine. */
const BUILD_MS = 300_000;

async function joinAndOpenAnatomy(browser: Browser, code: string, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await joinAs(page, code, name);
  await page.getByRole("link", { name: /Anatomy of a Dockerfile/ }).click();
  await expect(page).toHaveURL(/\/chapters\/anatomy$/);
  const terminal = page.getByRole("region", { name: "Terminal" });
  await expect(terminal).toHaveAttribute("data-terminal-state", "ready", { timeout: 150_000 });
  await expect(terminal.locator(".xterm-rows")).toContainText("$", { timeout: 30_000 });
  return page;
}


function gridRow(page: Page, name: string): Locator {
  return page.getByRole("table", { name: "Learners and steps" }).locator(`tr[data-learner="${name}"]`);
}

/**
 * The live room view: two learners join, one completes a step and the instructor's grid shows it by itself; the
 * instructor watches that learner's terminal (read-only: what the instructor types never reaches the shell) and
 * resets the other learner's sandbox (a file made before is gone after).
 */
test("the live room: the grid follows a learner's step, the instructor watches a terminal and resets a sandbox", async ({ browser }) => {
  test.setTimeout(15 * 60_000);
  const instructorContext = await browser.newContext();
  const instructor = await instructorContext.newPage();
  await signInAsInstructor(instructor);
  const code = await createWorkshop(instructor, "Images, Monday", ["Anatomy of a Dockerfile"]);
  const workshopId = instructor.url().split("/").at(-1)!;
  await expect(instructor.getByTestId("room-view")).toBeVisible();

  const [ada, bob] = await Promise.all([joinAndOpenAnatomy(browser, code, "Ada"), joinAndOpenAnatomy(browser, code, "Bob")]);

  // Both appear in the room without a reload.
  await expect(gridRow(instructor, "Ada")).toBeVisible({ timeout: 35_000 });
  await expect(gridRow(instructor, "Bob")).toBeVisible({ timeout: 35_000 });
  await expect(gridRow(instructor, "Ada").locator('[data-step="1"]')).not.toHaveAttribute("data-status", "passed");

  // Ada completes step 1; the instructor's grid shows it by itself.
  await typeInTerminal(ada, "cd ~/docker-node-hello && docker image build -t example/docker-node-hello:latest .");
  await expect(ada.getByText("Step complete.")).toBeVisible({ timeout: BUILD_MS });
  const passedAt = Date.now();
  await expect(gridRow(instructor, "Ada").locator('[data-step="1"]')).toHaveAttribute("data-status", "passed", { timeout: 5_000 });
  console.log(`the grid showed Ada's step 1 ${Date.now() - passedAt} ms after her own page did`);
  // Bob's prompts ran the step's checks too, in his own sandbox, where nothing is built.
  await expect(gridRow(instructor, "Bob").locator('[data-step="1"]')).not.toHaveAttribute("data-status", "passed");
  await instructor.getByTestId("room-view").scrollIntoViewIfNeeded();
  await instructor.screenshot({ path: "e2e/screenshots/workshop-room-grid.png" });

  // The instructor watches Ada's terminal: what she types shows up; what the instructor types does not reach her.
  await gridRow(instructor, "Ada").getByRole("button", { name: "Ada" }).click();
  const watched = instructor.getByRole("region", { name: "Terminal of Ada (read-only)" });
  await expect(watched).toHaveAttribute("data-terminal-state", "ready", { timeout: 30_000 });
  // The screen as Ada sees it now: the end of her build and her prompt.
  await expect(watched.locator(".xterm-rows")).toContainText("learner@layerlab:~/docker-node-hello$", { timeout: 15_000 });
  await typeInTerminal(ada, "echo watched-$((6*7))");
  await expect(watched.locator(".xterm-rows")).toContainText("watched-42", { timeout: 10_000 });
  await watched.locator(".xterm-screen").click();
  await instructor.keyboard.type("echo intruder-$((5*5))");
  await instructor.keyboard.press("Enter");
  await typeInTerminal(ada, "echo after-$((1+1))");
  const adaRows = ada.getByRole("region", { name: "Terminal" }).locator(".xterm-rows");
  await expect(adaRows).toContainText("after-2");
  await expect(adaRows).not.toContainText("intruder");
  await expect(watched.locator(".xterm-rows")).toContainText("after-2");
  await instructor.screenshot({ path: "e2e/screenshots/workshop-watch-terminal.png" });
  // Enlarged, the learner's wide terminal is drawn at a readable size.
  await instructor.getByRole("button", { name: "Enlarge" }).click();
  await expect(watched.locator(".xterm-rows")).toContainText("after-2");
  await instructor.screenshot({ path: "e2e/screenshots/workshop-watch-terminal-enlarged.png" });
  await instructor.getByRole("button", { name: "Back to the grid" }).click();

  // The instructor resets Bob's sandbox: a file Bob made is gone afterwards, and Bob is told.
  await typeInTerminal(bob, "touch ~/made-before-reset && ls ~/made-before-reset");
  const bobTerminal = bob.getByRole("region", { name: "Terminal" });
  await expect(bobTerminal.locator(".xterm-rows")).toContainText("/home/learner/made-before-reset");
  await gridRow(instructor, "Bob").getByRole("button", { name: "Bob" }).click();
  const panel = instructor.getByRole("complementary", { name: "Learner Bob" });
  await panel.getByRole("button", { name: "Reset sandbox…" }).click();
  await panel.getByRole("button", { name: "Reset", exact: true }).click();
  await expect(panel.getByText("Bob has a fresh sandbox.")).toBeVisible({ timeout: 120_000 });
  await expect(bob.getByTestId("sandbox-notice")).toContainText(`Your instructor ${E2E_ADMIN.displayName} gave you a fresh sandbox`);
  // Bob's terminal comes back by itself, in the new sandbox (e2e/sandbox-controls.spec.ts has the rest).
  await expect(bobTerminal).toHaveAttribute("data-terminal-state", "ready", { timeout: 150_000 });
  await typeInTerminal(bob, "ls ~/made-before-reset || echo gone-$((2+2))");
  await expect(bobTerminal.locator(".xterm-rows")).toContainText("gone-4", { timeout: 15_000 });
  await instructor.screenshot({ path: "e2e/screenshots/workshop-reset.png" });

  // The results export: both learners, Ada with one step passed.
  const csv = await instructor.request.get(`/api/instructor/workshops/${workshopId}/results.csv`);
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines.slice(1).map((l) => l.split(",").slice(0, 2).join(",")).sort()).toEqual(["Ada,1", "Bob,0"]);

  // A learner sees nothing of the room: the instructor's routes refuse a learner's session.
  expect((await ada.request.get(`/api/instructor/workshops/${workshopId}/room`)).status()).toBe(401);
  for (const page of [instructor, ada, bob]) await page.context().close();
});

/**
 * Issue 11, point 6: the room view agrees with itself. A learner who only opened the chapter is "not started" (the
 * checks the lab ran by itself when their shell first came to a prompt judged an untouched sandbox), and nobody is
 * reported failing; once they try something and fail, the cell, the header and the banner all say "failing", and
 * none of them calls the learner stuck before they are.
 */
test("the room agrees with itself: opened is not started, a failed try is failing in the cell, header and banner", async ({ browser }) => {
  test.setTimeout(10 * 60_000);
  const instructorContext = await browser.newContext({ viewport: SCREENS[0] });
  const instructor = await instructorContext.newPage();
  await signInAsInstructor(instructor);
  const code = await createWorkshop(instructor, "Images, Wednesday", ["Anatomy of a Dockerfile"]);
  const workshopId = instructor.url().split("/").at(-1)!;
  const room = instructor.getByTestId("room-view");
  const counts = instructor.getByTestId("room-counts");
  const cell = () => gridRow(instructor, "Opal").locator('[data-step="1"]');
  const runsOfOpal = async () => {
    const snapshot = (await (await instructor.request.get(`/api/instructor/workshops/${workshopId}/room`)).json()) as {
      learners: { displayName: string; runs: unknown[] }[];
    };
    return snapshot.learners.find((l) => l.displayName === "Opal")?.runs.length ?? 0;
  };

  const opal = await joinAndOpenAnatomy(browser, code, "Opal");
  // Her shell's first prompt ran step 1's checks in her untouched sandbox: one run, every check failing.
  await expect.poll(runsOfOpal, { timeout: 60_000 }).toBe(1);
  await instructor.reload();
  await expect(cell()).toHaveAttribute("data-status", "not-started", { timeout: 35_000 });
  await expect(counts).toContainText("1 learner · 0 failing a check · 0 stuck");
  await expect(room).toContainText("No one is failing a check right now.");
  for (const screen of SCREENS) {
    await instructor.setViewportSize(screen);
    await shot(instructor, `workshop-room-opened-${screen.name}`, room);
  }

  // Positive control: she tries, and the build fails. Now she is failing, everywhere the room says so.
  await typeInTerminal(opal, "docker image build -t example/docker-node-hello:latest ~/no-such-folder");
  await expect(cell()).toHaveAttribute("data-status", "failing", { timeout: 35_000 });
  await expect(counts).toContainText("1 learner · 1 failing a check · 0 stuck");
  const group = room.getByRole("list", { name: "Learners grouped by the check they fail" }).getByRole("button");
  await expect(group).toHaveCount(1);
  await expect(group).toHaveText(/^1 failing step 1: /);
  await expect(room).not.toContainText("stuck on");
  for (const screen of SCREENS) {
    await instructor.setViewportSize(screen);
    await shot(instructor, `workshop-room-failing-${screen.name}`, room);
  }
  for (const page of [instructor, opal]) await page.context().close();
});

/**
 * Issue 13: the room grid stays readable with more steps. A workshop of several chapters groups its step columns
 * under one header per chapter; the instructor folds a chapter into a single column (each learner's "passed of
 * total") and opens it again. Learners who only joined need no sandbox, so this costs seconds. (A chapter the whole
 * room finished starts folded: lib/workshop/room-columns.test.ts.)
 */
test("the room grid groups steps by chapter, and a chapter folds into one column and opens again", async ({ browser }) => {
  const instructorContext = await browser.newContext({ viewport: SCREENS[1] });
  const instructor = await instructorContext.newPage();
  await signInAsInstructor(instructor);
  const chapters = ["Anatomy of a Dockerfile", "Keeping images small", "Layers are additive", "Using the layer cache", "Inside an image"];
  const code = await createWorkshop(instructor, "Images, all week", chapters);
  const learners = await Promise.all(
    ["Ada", "Bob", "Cyd"].map(async (name) => {
      const page = await (await browser.newContext()).newPage();
      await joinAs(page, code, name);
      return page;
    }),
  );
  const grid = instructor.getByRole("table", { name: "Learners and steps" });
  await expect(gridRow(instructor, "Cyd")).toBeVisible({ timeout: 35_000 });
  const toggles = grid.getByRole("columnheader").getByRole("button");
  await expect(toggles).toHaveText(chapters.map((title, i) => new RegExp(`${i + 1}\\. ${title}`)));
  // Nobody finished anything: every chapter is open, its steps numbered chapter.step.
  for (const toggle of await toggles.all()) await expect(toggle).toHaveAttribute("aria-expanded", "true");
  const layers = toggles.filter({ hasText: "Layers are additive" });
  const stepsOfLayers = gridRow(instructor, "Ada").locator('[data-step^="3."]');
  await expect(stepsOfLayers).toHaveCount(3);

  await layers.click();
  await expect(layers).toHaveAttribute("aria-expanded", "false");
  await expect(stepsOfLayers).toHaveCount(0);
  await expect(gridRow(instructor, "Ada").getByRole("img", { name: "chapter 3: 0 of 3 steps passed" })).toHaveText("0/3");
  // The other chapters keep their steps.
  await expect(gridRow(instructor, "Ada").locator('[data-step="1.1"]')).toHaveCount(1);
  for (const screen of SCREENS) {
    await instructor.setViewportSize(screen);
    await shot(instructor, `workshop-room-chapters-${screen.name}`, instructor.getByTestId("room-view"));
  }

  await layers.click();
  await expect(layers).toHaveAttribute("aria-expanded", "true");
  await expect(stepsOfLayers).toHaveCount(3);
  for (const page of [instructor, ...learners]) await page.context().close();
});
