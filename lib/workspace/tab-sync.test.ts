import { describe, expect, it } from "vitest";
import { emptyTab, expectedHash, isDirty, isNewToTab, tabReducer, type TabEvent, type TabSync } from "./tab-sync";

function run(...events: TabEvent[]): TabSync {
  return events.reduce(tabReducer, emptyTab("Dockerfile"));
}
const v1 = { hash: "h1", text: "FROM debian\n" };
const v2 = { hash: "h2", text: "FROM debian\nRUN true\n" };
const gone = { hash: null, text: "" };

describe("tab sync", () => {
  it("starts clean after loading and becomes dirty on edit, clean again when edited back", () => {
    const loaded = run({ type: "loaded", version: v1 });
    expect(loaded.text).toBe(v1.text);
    expect(isDirty(loaded)).toBe(false);
    const edited = tabReducer(loaded, { type: "edited", text: "FROM alpine\n" });
    expect(isDirty(edited)).toBe(true);
    expect(isDirty(tabReducer(edited, { type: "edited", text: v1.text }))).toBe(false);
  });

  it("follows a change from the terminal silently when there are no unsaved edits", () => {
    const loaded = run({ type: "loaded", version: v1 });
    const next = tabReducer(loaded, { type: "disk-changed", version: v2 });
    expect(next.text).toBe(v2.text);
    expect(next.incoming).toBeNull();
    expect(next.revision).toBe(loaded.revision + 1);
    expect(isDirty(next)).toBe(false);
    expect(expectedHash(next)).toBe("h2");
  });

  it("keeps unsaved edits and offers the newer version when the file changes underneath", () => {
    const mine = run({ type: "loaded", version: v1 }, { type: "edited", text: "FROM mine\n" });
    const next = tabReducer(mine, { type: "disk-changed", version: v2 });
    expect(next.text).toBe("FROM mine\n");
    expect(next.incoming).toEqual({ ...v2, reason: "changed" });
    expect(expectedHash(next)).toBe("h1");
    expect(next.revision).toBe(mine.revision);
  });

  it("loads the new version on request, replacing the text", () => {
    const next = run({ type: "loaded", version: v1 }, { type: "edited", text: "mine" }, { type: "disk-changed", version: v2 }, { type: "load-incoming" });
    expect(next.text).toBe(v2.text);
    expect(next.incoming).toBeNull();
    expect(isDirty(next)).toBe(false);
  });

  it("keeps mine on request: the edits stay, and the next save expects the newer version", () => {
    const next = run({ type: "loaded", version: v1 }, { type: "edited", text: "mine" }, { type: "disk-changed", version: v2 }, { type: "keep-mine" });
    expect(next.text).toBe("mine");
    expect(next.incoming).toBeNull();
    expect(isDirty(next)).toBe(true);
    expect(expectedHash(next)).toBe("h2");
  });

  it("does not re-offer a version already offered, nor the one it is based on", () => {
    const offered = run({ type: "loaded", version: v1 }, { type: "edited", text: "mine" }, { type: "disk-changed", version: v2 });
    expect(isNewToTab(offered, "h1")).toBe(false);
    expect(isNewToTab(offered, "h2")).toBe(false);
    expect(isNewToTab(offered, "h3")).toBe(true);
    expect(tabReducer(offered, { type: "disk-changed", version: v2 })).toBe(offered);
    expect(isNewToTab(emptyTab("x"), null)).toBe(true);
  });

  it("adopts a disk version equal to the buffer without a banner (a save seen by the poll first)", () => {
    const next = run({ type: "loaded", version: v1 }, { type: "edited", text: v2.text }, { type: "disk-changed", version: v2 });
    expect(next.incoming).toBeNull();
    expect(isDirty(next)).toBe(false);
  });

  it("records a save; edits typed during the save stay unsaved", () => {
    const saving = run({ type: "loaded", version: v1 }, { type: "edited", text: v2.text });
    expect(isDirty(tabReducer(saving, { type: "saved", version: v2 }))).toBe(false);
    const typedMore = tabReducer(saving, { type: "edited", text: v2.text + "#\n" });
    const saved = tabReducer(typedMore, { type: "saved", version: v2 });
    expect(isDirty(saved)).toBe(true);
    expect(expectedHash(saved)).toBe("h2");
  });

  it("turns a refused save into a banner and never drops the text", () => {
    const mine = run({ type: "loaded", version: v1 }, { type: "edited", text: "mine" });
    const refused = tabReducer(mine, { type: "save-refused", version: v2 });
    expect(refused.text).toBe("mine");
    expect(refused.incoming).toEqual({ ...v2, reason: "save-refused" });
    const overwrite = tabReducer(refused, { type: "keep-mine" });
    expect(expectedHash(overwrite)).toBe("h2");
    expect(overwrite.text).toBe("mine");
  });

  it("keeps the text of a file deleted from the terminal and marks it unsaved; a save can put it back", () => {
    const loaded = run({ type: "loaded", version: v1 });
    const deleted = tabReducer(loaded, { type: "disk-changed", version: gone });
    expect(deleted.text).toBe(v1.text);
    expect(isDirty(deleted)).toBe(true);
    expect(expectedHash(deleted)).toBeNull();
    // Recreated with other content while the buffer was untouched: follow it quietly.
    const recreated = tabReducer(deleted, { type: "disk-changed", version: v2 });
    expect(recreated.text).toBe(v2.text);
    expect(isDirty(recreated)).toBe(false);
  });

  it("a deletion clears a pending offer but keeps the edits", () => {
    const offered = run({ type: "loaded", version: v1 }, { type: "edited", text: "mine" }, { type: "disk-changed", version: v2 });
    const deleted = tabReducer(offered, { type: "disk-changed", version: gone });
    expect(deleted.incoming).toBeNull();
    expect(deleted.text).toBe("mine");
    expect(expectedHash(deleted)).toBeNull();
  });

  it("a save refused because the file vanished expects no file next time", () => {
    const mine = run({ type: "loaded", version: v1 }, { type: "edited", text: "mine" });
    const refused = tabReducer(mine, { type: "save-refused", version: gone });
    expect(refused.incoming).toBeNull();
    expect(expectedHash(refused)).toBeNull();
    expect(refused.text).toBe("mine");
  });
});
