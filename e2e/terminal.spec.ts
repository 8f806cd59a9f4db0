import { expect, test, type Page } from "@playwright/test";
import { openFirstChapter, SHOTS, terminalReady, typeInTerminal } from "./fixtures";

/**
 * A new learner opens the first chapter, runs a command in the terminal and sees its output; after a reload
 * the terminal shows the same shell, its screen and its scrollback.
 */

test("a learner runs a command in the terminal, reloads, and finds the same shell with its scrollback", async ({ page }) => {
  await openFirstChapter(page, "Terminal Tester");

  const terminal = page.getByRole("region", { name: "Terminal" });
  await expect(terminal).toBeVisible();
  // Whatever the state while the sandbox starts, it is shown, not a blank box (the status overlay may sit over the rows).
  await expect(terminal.locator("[role=status]").or(terminal.locator(".xterm-rows")).first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/terminal-starting.png` });
  await terminalReady(page);

  await typeInTerminal(page, "export E2E_VAR=21; echo early-marker-$((1000+1))");
  const rows = terminal.locator(".xterm-rows");
  await expect(rows).toContainText("early-marker-1001");
  // Enough output to push the marker off the screen into the scrollback.
  await typeInTerminal(page, "for i in $(seq 1 80); do echo filler-line-$i; done; echo answer-$((E2E_VAR*2))");
  await expect(rows).toContainText("answer-42");
  await expect(rows).not.toContainText("early-marker-1001");
  await page.screenshot({ path: `${SHOTS}/terminal-output.png` });

  await page.reload();
  await terminalReady(page);
  // The screen as it was, from tmux…
  await expect(rows).toContainText("answer-42");
  // …the same shell (its variable is still set)…
  await typeInTerminal(page, "echo same-shell-$((E2E_VAR*3))");
  await expect(rows).toContainText("same-shell-63");
  await page.screenshot({ path: `${SHOTS}/terminal-after-reload.png` });

  // …and the scrollback from before the reload.
  await terminal.locator(".xterm-screen").hover();
  await page.mouse.wheel(0, -600);
  for (let i = 0; i < 8; i++) await page.keyboard.press("Shift+PageUp");
  await expect(rows).toContainText("early-marker-1001");
  await page.screenshot({ path: `${SHOTS}/terminal-scrollback.png` });

  // Search finds text in the scrollback too (Ctrl+Shift+F).
  await terminal.locator(".xterm-screen").click();
  await page.keyboard.press("Control+Shift+F");
  await page.getByRole("textbox", { name: "Search the terminal" }).fill("filler-line-40");
  await expect(terminal.getByText(/^1\/\d+$/)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/terminal-search.png` });
});

test("a reload whose pane changes size while connecting still restores every line of the screen", async ({ page }) => {
  await openFirstChapter(page, "Resized Reloader");
  const terminal = await terminalReady(page);
  const rows = terminal.locator(".xterm-rows > div");
  // A full screen: its last lines are numbered, then the prompt.
  await typeInTerminal(page, "clear; for i in $(seq 1 80); do echo numbered-$i; done");
  await expect(terminal.locator(".xterm-rows")).toContainText("numbered-80");
  // The three lines up to numbered-80 as the screen shows them (after them, the prompt and whatever the lab typed).
  const upTo80 = async () => {
    const lines = (await rows.allTextContents()).map((r) => r.trim());
    return lines.slice(Math.max(0, lines.indexOf("numbered-80") - 2), lines.indexOf("numbered-80") + 1);
  };
  await expect.poll(upTo80).toEqual(["numbered-78", "numbered-79", "numbered-80"]);
  const rowsBefore = await rows.count();

  // The server's "ready" and the snapshot after it are held until the page has shrunk, as a layout that settles
  // while the terminal connects does: the snapshot is then the screen at the old size, the terminal already smaller.
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let helloSent = false;
  await page.routeWebSocket(/\/ws\/terminal$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      if (typeof message === "string" && message.includes('"hello"')) helloSent = true;
      server.send(message);
    });
    let holding = false;
    server.onMessage((message) => {
      if (typeof message === "string" && message.includes('"ready"')) holding = true;
      if (!holding) return ws.send(message);
      void released.then(() => ws.send(message));
    });
  });
  await page.reload();
  await expect.poll(() => helloSent).toBe(true);
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: size.height - 200 });
  await expect.poll(() => rows.count()).toBeLessThan(rowsBefore);
  release();
  await expect(terminal).toHaveAttribute("data-terminal-state", "ready");
  // Every line at the bottom of the screen is there, in order, and the shell is at the terminal's new size.
  await expect.poll(upTo80).toEqual(["numbered-78", "numbered-79", "numbered-80"]);
  await typeInTerminal(page, "clear; stty size");
  await expect(terminal.locator(".xterm-rows")).toContainText(`${await rows.count()} `);
  await page.setViewportSize(size);
});

test("a flood of output does not freeze the page, and Ctrl-C stops it", async ({ page }) => {
  await openFirstChapter(page, "Flood Tester");
  await terminalReady(page);
  const rows = page.getByRole("region", { name: "Terminal" }).locator(".xterm-rows");

  // Longest gap between animation frames while the flood runs: a frozen page has no frames.
  await page.evaluate(() => {
    const w = window as unknown as { maxFrameGap: number };
    w.maxFrameGap = 0;
    let last = performance.now();
    const tick = (now: number) => {
      w.maxFrameGap = Math.max(w.maxFrameGap, now - last);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await typeInTerminal(page, "cat /dev/urandom | base64");
  await page.waitForTimeout(5000);
  const maxGap = await page.evaluate(() => (window as unknown as { maxFrameGap: number }).maxFrameGap);
  await page.screenshot({ path: `${SHOTS}/terminal-flood.png` });
  await page.keyboard.press("Control+C");
  await page.keyboard.type("echo flood-stopped-$((6*7))");
  await page.keyboard.press("Enter");
  await expect(rows).toContainText("flood-stopped-42");
  await page.screenshot({ path: `${SHOTS}/terminal-after-ctrl-c.png` });
  console.log(`longest frame gap during the flood: ${maxGap.toFixed(0)} ms`);
  // Frozen means no frames for the whole flood. On the 2-core CI machine, busy with the server and the sandbox,
  // frames keep coming (measured: well under 1.5 s apart at worst); 3 s leaves room for a loaded machine.
  expect(maxGap).toBeLessThan(3000);
});
