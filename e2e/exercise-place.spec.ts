import { expect, test, type Locator, type Page } from "@playwright/test";
import { shotsAtBothSizes, terminalReady, typeInTerminal } from "./fixtures";
import { createWorkshop, endWorkshop, joinAs, signInAsInstructor } from "./instructor";

/**
 * Each exercise its own place (issue 11), against a real lab, a real sandbox and its Docker: opening a chapter moves
 * the shell into its folder (said on screen, never into a running command), ▶ Run runs a step's
 * command in the chapter's folder although the shell was elsewhere, and a command with a placeholder
 * (`docker container stop ID`) asks for its value first, offering the id of the container running in the sandbox,
 * instead of running `ID` as printed; and the chapter shows what another exercise left running in its way (a
 * registry holding its port) and stops it in one click, leaving the learner's other containers alone.
 */

const PULL_MS = 240_000;

/** The code block of the current step whose text starts with `first` (its first line). */
function codeBlock(page: Page, first: string): Locator {
  return page
    .getByRole("region", { name: /^Step \d+:/ })
    .locator("pre")
    .filter({ has: page.locator("code > span:first-child", { hasText: first }) });
}

/** The answers to the page's requests to move the shell into the exercise's folder (sent when its terminal connects). */
function folderAnswers(page: Page): unknown[] {
  const answers: unknown[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith("/api/sandbox/exercise-folder") && r.request().method() === "POST") {
      void r.json().then(
        (body) => answers.push(body),
        () => answers.push({ status: r.status() }),
      );
    }
  });
  page.on("requestfailed", (r) => {
    if (r.url().includes("/api/sandbox/")) console.log(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`);
  });
  return answers;
}

/** The next answer to come, once the terminal has connected again. */
async function nextAnswer(answers: unknown[], count: number): Promise<unknown> {
  await expect.poll(() => answers.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(count);
  return answers[count - 1];
}

function terminalText(page: Page): Locator {
  return page.getByRole("region", { name: "Terminal" }).locator(".xterm-rows");
}

test("the terminal opens in the chapter's folder, ▶ Run runs there, and a placeholder is filled in (with the running container's id) first; a clean stage in one click", async ({ page, browser }) => {
  test.setTimeout(12 * 60_000);
  const instructorContext = await browser.newContext();
  const instructor = await instructorContext.newPage();
  await signInAsInstructor(instructor);
  const code = await createWorkshop(instructor, "Exercise place", ["Anatomy of a Dockerfile"]);
  try {
    await page.setViewportSize({ width: 1366, height: 768 });
    await joinAs(page, code, "Pat Place");
    // Opening the chapter moves the shell into its folder, typed where the learner sees it.
    const answers = folderAnswers(page);
    await page.getByRole("link", { name: /Anatomy of a Dockerfile/ }).first().click();
    await expect(page).toHaveURL(/\/chapters\/anatomy$/);
    await terminalReady(page);
    expect(await nextAnswer(answers, 1)).toMatchObject({ action: "move", typed: "cd ~/docker-node-hello" });
    await expect(terminalText(page)).toContainText("cd ~/docker-node-hello");
    await typeInTerminal(page, 'echo "opened=$PWD"');
    await expect(terminalText(page)).toContainText("opened=/home/learner/docker-node-hello");
    await shotsAtBothSizes(page, "exercise-place-opened");

    // A running command is never typed into: the page comes back while `cat` reads the terminal, and the shell stays.
    await typeInTerminal(page, "cd /tmp && cat");
    await page.reload();
    await terminalReady(page);
    expect(await nextAnswer(answers, 2)).toEqual({ action: "stay", why: "busy" });
    await typeInTerminal(page, "still-cat");
    await page.keyboard.press("Control+C");
    // Typed before the shell is back, the line would go to `cat` (and Ctrl-C flushes what the terminal holds).
    await expect(terminalText(page)).toContainText(/\^C[\s\S]*learner@layerlab:\/tmp\$/);
    await typeInTerminal(page, 'echo "after-cat=$PWD"');
    await expect(terminalText(page)).toContainText("after-cat=/tmp");
    // The shell is somewhere else, as after another exercise, and at its prompt: coming back moves it (control).
    await page.reload();
    await terminalReady(page);
    expect(await nextAnswer(answers, 3)).toMatchObject({ action: "move" });
    await typeInTerminal(page, 'echo "back=$PWD"');
    await expect(terminalText(page)).toContainText("back=/home/learner/docker-node-hello");

    // The shell is somewhere else again: the control shows where.
    await typeInTerminal(page, "cd /tmp && echo \"at=$PWD\"");
    await expect(terminalText(page)).toContainText("at=/tmp");

    // ▶ Run of a step's command goes to the chapter's folder first, on screen, and stays there.
    await codeBlock(page, "docker image ls").getByRole("button", { name: "Run in terminal" }).click();
    await expect(terminalText(page)).toContainText("cd ~/docker-node-hello && docker image ls");
    await expect(terminalText(page)).toContainText("REPOSITORY");
    await typeInTerminal(page, 'echo "now=$PWD"');
    await expect(terminalText(page)).toContainText("now=/home/learner/docker-node-hello");

    // A container of the learner's own, as step 2 leaves one running.
    await typeInTerminal(page, "docker container run -d --name e2e-sleeper debian:bookworm-slim sleep 600 >/dev/null; docker container inspect -f 'state={{.State.Status}}' e2e-sleeper");
    await expect(terminalText(page)).toContainText("state=running", { timeout: PULL_MS });

    // Step 4: `docker container stop ID` cannot run as printed; ▶ Run asks for the id and offers the running one.
    await page.getByRole("list", { name: "Steps" }).getByRole("button", { name: /^4\./ }).click();
    await codeBlock(page, "docker container ls").getByRole("button", { name: "Run in terminal" }).click();
    const form = page.getByRole("form", { name: "Fill in the command" });
    await expect(form).toBeVisible();
    const id = form.getByLabel(/container id/);
    await expect(id).toBeFocused();
    await expect(form.getByRole("status")).toContainText("(debian:bookworm-slim)");
    await expect(id).toHaveValue(/^[0-9a-f]{12}$/);
    const offered = await id.inputValue();
    await shotsAtBothSizes(page, "exercise-place-placeholder", form);

    // Nothing runs without a value: the form's ▶ Run is disabled and the terminal got nothing.
    await id.fill("");
    await expect(form.getByRole("button", { name: "▶ Run" })).toBeDisabled();
    await expect(terminalText(page)).not.toContainText("docker container stop");
    await id.fill(offered);
    await form.getByRole("button", { name: "▶ Run" }).click();
    await expect(form).toBeHidden();

    await expect(terminalText(page)).toContainText(`docker container stop ${offered}`);
    await typeInTerminal(page, "docker container inspect -f 'after={{.State.Status}}' e2e-sleeper");
    await expect(terminalText(page)).toContainText("after=exited", { timeout: 60_000 });
    await expect(terminalText(page)).not.toContainText("No such container");
    await shotsAtBothSizes(page, "exercise-place-ran");

    // A clean stage: another exercise's registry holds port 8080, which this chapter publishes; a container of the
    // learner's own that is in nobody's way stays.
    await typeInTerminal(
      page,
      "docker container run -d --name e2e-registry -p 8080:5000 registry:2 >/dev/null; docker container run -d --name e2e-bystander debian:bookworm-slim sleep 600 >/dev/null; echo started-$(docker container ls -q | wc -l)",
    );
    await expect(terminalText(page)).toContainText("started-2", { timeout: PULL_MS });
    // The port really is in the way (control): publishing 8080 fails as the issue saw it.
    await typeInTerminal(page, "docker container run --rm -d -p 8080:80 debian:bookworm-slim sleep 5 >/dev/null || echo blocked-\"before\"");
    await expect(terminalText(page)).toContainText("port is already allocated");
    await expect(terminalText(page)).toContainText("blocked-before");

    await page.reload();
    await terminalReady(page);
    const stage = page.getByRole("region", { name: "In this exercise's way" });
    await expect(stage).toBeVisible();
    await expect(stage.getByRole("listitem")).toHaveCount(1);
    await expect(stage.getByRole("listitem")).toContainText("e2e-registry (registry:2): holds port 8080, which this exercise uses; runs registry:2 from another exercise");
    await shotsAtBothSizes(page, "exercise-place-stage", stage);
    await stage.getByRole("button", { name: "Stop it" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Stopped e2e-registry." })).toBeVisible({ timeout: 60_000 });
    await expect(stage).toBeHidden();

    await typeInTerminal(
      page,
      "echo \"registry=$(docker container inspect -f '{{.State.Status}}' e2e-registry) bystander=$(docker container inspect -f '{{.State.Status}}' e2e-bystander)\"",
    );
    await expect(terminalText(page)).toContainText("registry=exited bystander=running");
    await typeInTerminal(page, "docker container run --rm -d -p 8080:80 debian:bookworm-slim sleep 5 >/dev/null && echo free-\"after\"");
    await expect(terminalText(page)).toContainText("free-after", { timeout: 60_000 });
  } finally {
    await endWorkshop(instructor);
    await instructorContext.close();
  }
});
