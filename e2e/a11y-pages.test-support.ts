import AxeBuilder from "@axe-core/playwright";
import { expect as baseExpect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { createWorkshop, joinAs, signInAsInstructor } from "./instructor";

/**
 * The accessibility scan of every page of the lab, shared by e2e/a11y.spec.ts (fails on a serious or critical
 * violation) and bench/a11y.bench.ts (writes the figures). The tour drives a real lab as its users would: a new
 * visitor, the instructor from first run to a running room, a learner in that room in a chapter and a drill.
 */

// Outside the test runner (the bench) expect's default timeout is 5 s: too short for a busy 2-core machine.
const expect = baseExpect.configure({ timeout: 60_000 });

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: axe-core's tags for "WCAG 2.2 AA". */
export const WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];

export type Impact = "critical" | "serious" | "moderate" | "minor";

export interface Violation {
  id: string;
  impact: Impact | null;
  help: string;
  /** Up to five offending elements, as CSS selectors. */
  targets: string[];
  nodes: number;
}

export interface PageScan {
  name: string;
  path: string;
  violations: Violation[];
  counts: Record<Impact, number>;
  serious_or_critical: number;
  /** axe-core's version. */
  engine: string;
}

/** Scans what the page shows now against WCAG 2.2 AA. */
export async function scanPage(page: Page, name: string): Promise<PageScan> {
  const result = await new AxeBuilder({ page }).withTags(WCAG_22_AA).analyze();
  const violations: Violation[] = result.violations.map((v) => ({
    id: v.id,
    impact: (v.impact ?? null) as Impact | null,
    help: v.help,
    targets: v.nodes.slice(0, 5).map((n) => n.target.map(String).join(" ")),
    nodes: v.nodes.length,
  }));
  const counts: Record<Impact, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of violations) if (v.impact) counts[v.impact] += v.nodes;
  return {
    name,
    path: new URL(page.url()).pathname,
    violations,
    counts,
    serious_or_critical: counts.critical + counts.serious,
    engine: result.testEngine.version,
  };
}

/** The violations that fail the lab's bar. */
export function seriousOrCritical(scan: PageScan): Violation[] {
  return scan.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

export type Visit = (name: string, page: Page) => Promise<void>;

const CHAPTER = { id: "layers", title: "Layers are additive" };
const DRILL = { id: "arg-scope", title: "The version that vanished" };
/** A chapter's and a drill's page are scanned with their sandbox up: terminal connected, editor open. */
const SANDBOX_MS = 240_000;

async function workspaceReady(page: Page): Promise<void> {
  await expect(page.getByRole("region", { name: "Terminal" })).toHaveAttribute("data-terminal-state", "ready", { timeout: SANDBOX_MS });
  await expect(page.locator(".monaco-editor").first()).toBeVisible({ timeout: SANDBOX_MS });
}

/**
 * Walks every page of the lab, calling VISIT on each once it shows what a user would see. Works on a fresh lab
 * (the first-run page is visited then) as well as on one whose administrator exists. With `labFull`, on a lab
 * that runs one sandbox at most (LAYERLAB_MAX_SANDBOXES=1), a visitor outside the workshop is shown the lab full.
 */
export async function tourEveryPage(browser: Browser, baseURL: string, visit: Visit, options: { labFull?: boolean } = {}): Promise<void> {
  const contexts: BrowserContext[] = [];
  // Ending the workshop removes its learner's sandbox: the tour leaves none behind, even when it fails.
  let endWorkshop: (() => Promise<void>) | null = null;
  const open = async () => {
    const context = await browser.newContext({ baseURL, viewport: { width: 1366, height: 768 } });
    contexts.push(context);
    return context.newPage();
  };
  try {
    // A new visitor.
    const visitor = await open();
    await visitor.goto("/");
    await expect(visitor.getByRole("button", { name: "Start" })).toBeVisible();
    await visit("home (new visitor)", visitor);
    await visitor.goto("/join");
    await visit("join", visitor);
    await visitor.goto("/no-such-page");
    await visit("not found", visitor);

    // The instructor: first run (on a fresh lab) or sign-in, then the workshop list.
    const instructor = await open();
    await instructor.goto("/instructor");
    let signInSeen = false;
    if (instructor.url().endsWith("/instructor/setup")) {
      await expect(instructor.getByRole("button", { name: "Create administrator" })).toBeVisible();
      await visit("instructor first run", instructor);
    } else {
      await expect(instructor.getByRole("button", { name: "Sign in" })).toBeVisible();
      await visit("instructor sign-in", instructor);
      signInSeen = true;
    }
    await signInAsInstructor(instructor);
    if (!signInSeen) {
      await visitor.goto("/instructor/login");
      await expect(visitor.getByRole("button", { name: "Sign in" })).toBeVisible();
      await visit("instructor sign-in", visitor);
    }
    const code = await createWorkshop(instructor, `Accessibility tour ${Date.now()}`, ["Anatomy of a Dockerfile", CHAPTER.title], [DRILL.title]);
    const workshopUrl = instructor.url();
    endWorkshop = async () => {
      endWorkshop = null;
      await instructor.goto(workshopUrl);
      instructor.once("dialog", (dialog) => void dialog.accept());
      await instructor.getByRole("button", { name: "End workshop" }).click();
      await expect(instructor.getByText(/Workshop ended; \d+ sandbox(es)? released/)).toBeVisible({ timeout: SANDBOX_MS });
    };
    await instructor.goto("/instructor");
    await expect(instructor.getByRole("heading", { name: "Your workshops" })).toBeVisible();
    await visit("instructor workshop list", instructor);

    // A learner joins by the link, and opens the catalogs, a chapter and a drill.
    const learner = await open();
    await learner.goto(`/join/${code}`);
    await visit("join with a code", learner);
    await joinAs(learner, code, "Ada Lovelace");
    await expect(learner.getByRole("list", { name: "Chapters" })).toBeVisible();
    await visit("chapter catalog", learner);
    await learner.goto("/drills");
    await expect(learner.getByRole("list", { name: "Your workshop's drills" })).toBeVisible();
    await visit("drill catalog", learner);

    await learner.goto(`/chapters/${CHAPTER.id}`);
    await workspaceReady(learner);
    // A failed check and an opened hint show their text too.
    await learner.getByRole("button", { name: "Check now" }).click();
    await expect(learner.locator('.check-list > li[data-status="failed"]').first()).toBeVisible({ timeout: SANDBOX_MS });
    await learner.getByRole("button", { name: /^Show hint 1/ }).click();
    await expect(learner.getByRole("region", { name: "Help" })).toContainText("Hint 1");
    await visit("chapter", learner);

    if (options.labFull) {
      // The one place is the workshop member's: anyone else waits in line.
      const waiting = await open();
      // A session as the home page's form makes one (the form itself is scanned above).
      const session = await waiting.request.post("/api/session", { data: { displayName: "Grace Hopper" }, headers: { origin: baseURL } });
      expect(session.status()).toBe(201);
      await waiting.goto(`/chapters/${CHAPTER.id}`);
      await expect(waiting.getByTestId("lab-full")).toBeVisible();
      await visit("lab full", waiting);
      await waiting.context().close();
    }

    await learner.goto(`/drills/${DRILL.id}`);
    await expect(learner.getByRole("button", { name: /Start the drill|Try again/ })).toBeVisible();
    await visit("drill (before the start)", learner);
    await learner.getByRole("button", { name: "Start the drill" }).click();
    await expect(learner.getByRole("timer", { name: "Time on this drill" })).toHaveAttribute("data-running", "true", { timeout: SANDBOX_MS });
    await workspaceReady(learner);
    await visit("drill", learner);

    // The instructor's room with that learner in it, the learner's terminal watched, and the projector.
    await instructor.goto(workshopUrl);
    const grid = instructor.getByRole("table", { name: "Learners and steps" });
    await expect(grid.getByRole("button", { name: "Ada Lovelace" })).toBeVisible();
    await visit("workshop with its room", instructor);
    await grid.getByRole("button", { name: "Ada Lovelace" }).click();
    await expect(instructor.getByRole("region", { name: /Terminal of Ada Lovelace/ })).toHaveAttribute("data-terminal-state", "ready", { timeout: SANDBOX_MS });
    await visit("workshop, a learner's terminal watched", instructor);
    await instructor.getByRole("link", { name: "Projector view" }).click();
    await expect(instructor.getByRole("img", { name: /QR code/ })).toBeVisible();
    await visit("projector", instructor);

    // A chapter the instructor has locked.
    await instructor.goto(workshopUrl);
    await instructor.getByRole("button", { name: `Lock ${CHAPTER.title}` }).click();
    await expect(instructor.getByRole("button", { name: `Unlock ${CHAPTER.title}` })).toBeVisible();
    await learner.goto(`/chapters/${CHAPTER.id}`);
    await expect(learner.getByText("Your instructor has locked this chapter for now")).toBeVisible();
    await visit("chapter locked by the instructor", learner);
    await learner.goto("/");
    await expect(learner.getByText("Locked by your instructor")).toBeVisible();
    await visit("chapter catalog with a locked chapter", learner);

    await endWorkshop();
  } finally {
    try {
      await endWorkshop?.();
    } finally {
      for (const context of contexts) await context.close();
    }
  }
}
