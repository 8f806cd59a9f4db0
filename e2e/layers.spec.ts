import { expect, test, type Locator, type Page } from "@playwright/test";
import { SCREENS, shot, startAsLearner, terminalReady, typeInTerminal } from "./fixtures";

/**
 * Chapter 04 step 1's layer view makes the point by itself (issue 11, point 8): the base is one row named by
 * its image, the 60 MB the `rm` step hides are drawn as still in the image and linked to that step, the size
 * is the one `docker image ls` prints, and the picture is never of the previous image once the verdict is in.
 */

/** A build of chapter 04 pulls debian:bookworm-slim from the lab registry and writes 60 MB: minutes on a busy machine. */
const BUILD_MS = 240_000;

function layerView(page: Page): Locator {
  return page.getByRole("region", { name: "Layers" });
}

function rows(page: Page): Locator {
  return layerView(page).locator(".layer-list > li");
}

/** The last `KEY=value` the terminal shows (a command's marked output, so wrapped prompts do not matter). */
async function lastInTerminal(page: Page, key: string): Promise<string> {
  const text = (await page.getByRole("region", { name: "Terminal" }).locator(".xterm-rows").innerText()).replace(/\u00a0/g, " ");
  const values = [...text.matchAll(new RegExp(`${key}=(\\S+)`, "g"))].map((m) => m[1]);
  expect(values.length, `no ${key}= in the terminal:\n${text}`).toBeGreaterThan(0);
  return values.at(-1)!;
}

interface Snapshot {
  allPassed: boolean;
  state: string | null;
  imageId: string | null;
}

test("chapter 04 step 1: the layer view names the base, draws hidden bytes as shipped, sizes as docker image ls, never stale", async ({ page }) => {
  test.setTimeout(12 * 60_000);
  await page.setViewportSize({ width: SCREENS[0].width, height: SCREENS[0].height });
  await startAsLearner(page, "Layers Tester");
  await page.goto("/chapters/layers");
  await terminalReady(page);
  await expect(layerView(page)).toContainText("No image yet — build it first.", { timeout: 60_000 });

  // A first image under the step's tag: not the chapter's, so its checks fail and the view pictures it.
  await typeInTerminal(page, `cd ~/layers && printf 'FROM busybox\\nCMD ["true"]\\n' | docker image build -t example/layers:fat -`);
  await expect(rows(page).and(page.locator('[data-kind="base"]'))).toContainText("busybox", { timeout: BUILD_MS });
  await expect(layerView(page)).toHaveAttribute("data-layers-state", "built");
  const oldId = await layerView(page).getAttribute("data-image-id");
  expect(oldId).toMatch(/^sha256:[0-9a-f]{64}$/);
  await expect(page.locator('[data-check-id="lists-layer"]')).toHaveAttribute("data-status", "failed");

  // From here on, every change of the page is recorded: the verdict and the picture beside it.
  await page.evaluate(() => {
    const w = window as unknown as { layerSnapshots: Snapshot[] };
    w.layerSnapshots = [];
    const take = () => {
      const checks = [...document.querySelectorAll('[aria-label="Checks"] .check-list > li')];
      const view = document.querySelector('[aria-label="Layers"]');
      const snap = {
        allPassed: checks.length > 0 && checks.every((c) => c.getAttribute("data-status") === "passed"),
        state: view?.getAttribute("data-layers-state") ?? null,
        imageId: view?.getAttribute("data-image-id") ?? null,
      };
      const last = w.layerSnapshots.at(-1);
      if (!last || last.allPassed !== snap.allPassed || last.state !== snap.state || last.imageId !== snap.imageId) w.layerSnapshots.push(snap);
    };
    take();
    new MutationObserver(take).observe(document.body, { subtree: true, childList: true, attributes: true });
  });

  // The chapter's own Dockerfile: the lists made in one step and deleted in the next.
  await typeInTerminal(page, "clear; docker image build -t example/layers:fat . && docker image ls --format 'SIZE={{.Size}} ID={{.ID}}' example/layers:fat");
  await expect(page.locator('[aria-label="Checks"] .check-list > li[data-status="passed"]')).toHaveCount(3, { timeout: BUILD_MS });
  await expect(layerView(page)).toHaveAttribute("data-layers-state", "built");
  const newId = (await layerView(page).getAttribute("data-image-id"))!;
  expect(newId).not.toBe(oldId);
  // docker image ls's IMAGE ID is the start of the id the view pictures.
  expect(newId.slice("sha256:".length, "sha256:".length + 12)).toBe(await lastInTerminal(page, "ID"));

  // Never the previous image beside the green verdict: while the checks were all green, the view either said it
  // was reading or pictured the new image. The record did see the old image before (the recorder works).
  const snapshots = await page.evaluate(() => (window as unknown as { layerSnapshots: Snapshot[] }).layerSnapshots);
  expect(snapshots.some((s) => !s.allPassed && s.state === "built" && s.imageId === oldId), JSON.stringify(snapshots)).toBe(true);
  expect(snapshots.filter((s) => s.allPassed && s.state === "built" && s.imageId !== newId), JSON.stringify(snapshots)).toEqual([]);
  expect(snapshots.at(-1)).toEqual({ allPassed: true, state: "built", imageId: newId });

  // The base: one row, named by its image, not by the ADD that made its layer.
  const base = rows(page).and(page.locator('[data-kind="base"]'));
  await expect(base).toHaveCount(1);
  await expect(base).toContainText("debian:bookworm-slim");
  await expect(base).toContainText("base image · 1 layer");
  await expect(layerView(page)).not.toContainText("ADD file:");

  // The 60 MB the rm hides: linked to the rm step, and drawn as still in the image.
  const rm = rows(page).filter({ hasText: "RUN rm -rf /var/lib/apt/lists/lab" });
  const lists = rows(page).filter({ hasText: "head -c 60M /dev/urandom" });
  const listsLayer = await lists.getAttribute("data-layers");
  await expect(rm.locator(`[data-hides-layer="${listsLayer}"]`)).toContainText(`hides 62.9 MB of layer ${listsLayer} (/var/lib/apt/lists/lab/Packages)`);
  await expect(lists).toHaveAttribute("data-hidden-bytes", String(60 * 1024 * 1024));
  await expect(lists).toContainText("62.9 MB of layer 2 hidden by layer 4 — still shipped");
  const hatched = lists.locator("[data-shipped-hidden]");
  await expect(hatched).toBeVisible();
  // Inside the layer's bar, and nearly all of it: the bytes are hidden, not gone.
  const bar = await lists.locator(".layer-bar").boundingBox();
  const hidden = await hatched.boundingBox();
  expect(hidden!.width).toBeGreaterThan(0.95 * bar!.width);
  expect(hidden!.x + hidden!.width).toBeLessThanOrEqual(bar!.x + bar!.width + 0.5);
  // The margin line runs from the rm row down to the lists row.
  await expect(rm.locator('[data-link="start"]')).toHaveCount(1);
  await expect(lists.locator('[data-link="end"]')).toHaveCount(1);
  await expect(layerView(page)).toContainText("hidden by a later layer and still in the image");

  // The size: what docker image ls printed in the learner's own terminal, named as such.
  const listed = await lastInTerminal(page, "SIZE");
  await expect(layerView(page).locator("[data-listed-size]")).toHaveText(listed);
  await expect(layerView(page)).toContainText(`docker image ls: ${listed}`);
  await expect(layerView(page)).toContainText(`docker image ls counts ${listed} =`);

  for (const screen of SCREENS) {
    await page.setViewportSize({ width: screen.width, height: screen.height });
    await shot(page, `layers-step1-${screen.name}`, layerView(page));
  }
});
