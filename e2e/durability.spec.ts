import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { editorText, shot, startAsLearner, terminalReady, typeInTerminal } from "./fixtures";

/**
 * Issue 10: a learner works in a chapter (edits the Dockerfile and saves it), then their sandbox is killed from
 * outside with `podman kill`. The page recovers by itself (no reload, no key pressed): the terminal comes back to a
 * prompt in the same sandbox, the page says what happened, and the edited Dockerfile is still there.
 */

/** Where the e2e lab keeps its sandboxes' home disks (playwright.config.ts: LAYERLAB_DATA_DIR=.data/e2e). */
const DISKS = path.resolve(".data/e2e/disks");

/** The e2e lab's sandbox (by its labels) whose home holds `file` with `marker` in it: the learner's, found from outside. */
function sandboxHolding(file: string, marker: string): string | undefined {
  const names = execFileSync("podman", ["ps", "--filter", "label=layerlab=1", "--filter", "label=layerlab.instance=e2e", "--format", "{{.Names}}"], { encoding: "utf8" });
  return names
    .split("\n")
    .filter(Boolean)
    .find((id) => {
      try {
        return readFileSync(path.join(DISKS, id, file), "utf8").includes(marker);
      } catch {
        return false;
      }
    });
}

function running(id: string): string {
  return execFileSync("podman", ["inspect", "--format", "{{.State.Running}}", id], { encoding: "utf8" }).trim();
}

test("a sandbox killed from outside comes back by itself, with the learner's edited Dockerfile", async ({ page }) => {
  await startAsLearner(page, "Durable Learner");
  await page.getByRole("list", { name: "Chapters" }).getByRole("link").first().click();
  await expect(page).toHaveURL(/\/chapters\//);
  await expect(page.locator(".monaco-editor")).toBeVisible({ timeout: 180_000 });
  const terminal = await terminalReady(page);
  const folder = (await page.getByTitle("The exercise folder in your sandbox").textContent())!.trim().replace(/^~\//, "");

  // The learner's work: an edit to the Dockerfile, saved into the sandbox.
  const marker = `kept-across-a-kill-${randomBytes(4).toString("hex")}`;
  await page.locator(".monaco-editor .view-lines").click();
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.type(`# ${marker}`);
  await page.keyboard.press("Control+s");
  await expect(page.getByText(/^Saved Dockerfile at /)).toBeVisible();

  // Positive control: the edit is in the learner's sandbox (found by the lab's labels) before the fault.
  const sandbox = sandboxHolding(`${folder}/Dockerfile`, marker);
  expect(sandbox, "the learner's sandbox holds the saved Dockerfile").toBeDefined();
  expect(running(sandbox!)).toBe("true");

  execFileSync("podman", ["kill", sandbox!]);

  // The page recovers by itself: it says what happened, and the terminal is back at a prompt without a key pressed.
  const notice = page.getByTestId("sandbox-recovery");
  await expect(notice).toContainText("Your sandbox stopped unexpectedly", { timeout: 180_000 });
  await expect(notice).toContainText("Your files and images are kept");
  await expect(terminal).toHaveAttribute("data-terminal-state", "ready", { timeout: 180_000 });
  await expect(page.getByText(/stopped while you were away/)).toHaveCount(0);
  await shot(page, "durability-recovered");

  // The same sandbox, running again, with the edited Dockerfile: in the terminal, and in the editor with no tab unsaved.
  expect(running(sandbox!)).toBe("true");
  expect(sandboxHolding(`${folder}/Dockerfile`, marker)).toBe(sandbox);
  await typeInTerminal(page, `grep -c ${marker} ~/${folder}/Dockerfile | sed 's/^/COUNT-/'`);
  await expect(terminal.locator(".xterm-rows")).toContainText("COUNT-1", { timeout: 30_000 });
  expect(await editorText(page)).toContain(`# ${marker}`);
  await expect(page.getByRole("tab", { name: /^Dockerfile/ }).getByLabel("unsaved")).toHaveCount(0);
});
