/**
 * One editor tab's copy of a file against the file in the sandbox, which the learner can also change
 * from the terminal. The rule: never lose edits silently. A tab without unsaved edits follows the
 * sandbox quietly; a tab with unsaved edits keeps them and offers the newer version in a banner.
 */

/**
 * A version of the file in the sandbox. `hash` null means the file is not there; `text` then keeps the
 * last text seen there, so a tab whose file was deleted can still tell whether it holds edits.
 */
export interface DiskVersion {
  hash: string | null;
  text: string;
}

/** Why a newer version is waiting: seen by polling, or found when a save was refused. */
export type IncomingReason = "changed" | "save-refused";

export interface TabSync {
  path: string;
  /** The version in the sandbox this buffer is based on; saves send its hash, so overwriting a newer file is refused. */
  base: DiskVersion | null;
  /** The editor's text. */
  text: string;
  /** A newer version the learner has not yet decided about (only ever set while there are unsaved edits). */
  incoming: (DiskVersion & { hash: string; reason: IncomingReason }) | null;
  /** Bumped whenever the text is replaced from outside the editor, so the view knows to push it into its model. */
  revision: number;
}

export type TabEvent =
  | { type: "loaded"; version: DiskVersion }
  | { type: "edited"; text: string }
  | { type: "disk-changed"; version: DiskVersion }
  | { type: "saved"; version: DiskVersion }
  | { type: "save-refused"; version: DiskVersion }
  | { type: "load-incoming" }
  | { type: "keep-mine" };

export function emptyTab(path: string): TabSync {
  return { path, base: null, text: "", incoming: null, revision: 0 };
}

/** Unsaved edits: the text differs from the sandbox's version, or the file is gone from the sandbox. */
export function isDirty(tab: TabSync): boolean {
  if (!tab.base) return false;
  return tab.base.hash === null || tab.text !== tab.base.text;
}

/** The hash a save should expect to find in the sandbox. */
export function expectedHash(tab: TabSync): string | null {
  return tab.base?.hash ?? null;
}

function replaceText(tab: TabSync, version: DiskVersion): TabSync {
  return { ...tab, base: version, text: version.text, incoming: null, revision: tab.revision + 1 };
}

/** Whether a hash seen in the sandbox's listing is news to this tab (so its content is worth fetching). */
export function isNewToTab(tab: TabSync, hash: string | null): boolean {
  if (!tab.base) return true;
  return hash !== tab.base.hash && (!tab.incoming || hash !== tab.incoming.hash);
}

export function tabReducer(tab: TabSync, event: TabEvent): TabSync {
  switch (event.type) {
    case "loaded":
      return replaceText(tab, event.version);

    case "edited":
      return event.text === tab.text ? tab : { ...tab, text: event.text };

    case "disk-changed": {
      const { version } = event;
      if (!tab.base) return replaceText(tab, version);
      if (!isNewToTab(tab, version.hash)) return tab;
      // Deleted from the terminal: keep the text on screen (a save puts it back) rather than blanking the tab.
      if (version.hash === null) return { ...tab, base: { hash: null, text: tab.base.text }, incoming: null };
      // The learner's text already is what the sandbox holds (e.g. a save seen by the poll before its answer).
      if (tab.text === version.text) return { ...tab, base: version, incoming: null };
      // No edits since the last version seen in the sandbox: follow the sandbox quietly.
      if (tab.text === tab.base.text) return replaceText(tab, version);
      return { ...tab, incoming: { hash: version.hash, text: version.text, reason: "changed" } };
    }

    case "saved":
      return { ...tab, base: event.version, incoming: null };

    case "save-refused": {
      const { version } = event;
      if (version.hash === null) return { ...tab, base: { hash: null, text: tab.base?.text ?? "" }, incoming: null };
      if (version.text === tab.text) return { ...tab, base: version, incoming: null };
      return { ...tab, incoming: { hash: version.hash, text: version.text, reason: "save-refused" } };
    }

    case "load-incoming":
      if (!tab.incoming) return tab;
      return replaceText(tab, { hash: tab.incoming.hash, text: tab.incoming.text });

    case "keep-mine":
      // The learner has seen the newer version and chose theirs: the next save may overwrite it.
      if (!tab.incoming) return tab;
      return { ...tab, base: { hash: tab.incoming.hash, text: tab.incoming.text }, incoming: null };
  }
}
