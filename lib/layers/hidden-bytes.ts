/**
 * Bytes a later layer hides but cannot take back, from the layers' own file lists (`tar -tv` of each blob).
 * A deleted file is still in the tar of the layer that made it; the deleting layer holds only a whiteout
 * (`.wh.NAME`, or `.wh..wh..opq` for a whole folder). A file written again (even only its mode changed)
 * is stored whole in the new layer, and the old copy stays below it. Either way every byte is still shipped.
 */

export interface ListedEntry {
  /** `-` file, `d` folder, `l` symlink, `h` hard link, … as the first letter of `tar -tv`. */
  type: string;
  /** Without a leading `./` or `/`, and without a folder's trailing `/`. */
  path: string;
  sizeBytes: number;
}

// GNU tar: `-rw-r--r-- 0/0   62914560 2026-11-30 09:42 var/lib/apt/lists/lab/Packages` (devices print
// `major,minor` where the size goes; symlinks and hard links add ` -> target` and ` link to target`).
const LINE = /^(\S)\S{9}\s+\S+\s+(\S+)\s+\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)? (.*)$/;

/** One layer's `tar --numeric-owner -tvf` output, entry by entry; lines that are not entries are skipped. */
export function parseListing(text: string): ListedEntry[] {
  const entries: ListedEntry[] = [];
  for (const line of text.split("\n")) {
    const match = LINE.exec(line);
    if (!match) continue;
    const [, type, size, rest] = match;
    let path = rest;
    if (type === "l") path = path.replace(/ -> .*$/, "");
    if (type === "h") path = path.replace(/ link to .*$/, "");
    path = path.replace(/^\.?\//, "").replace(/\/$/, "");
    if (path === "" || path === ".") continue;
    entries.push({ type, path, sizeBytes: type === "-" && /^\d+$/.test(size) ? Number(size) : 0 });
  }
  return entries;
}

/** Layer `by` hides `bytes` of layer `layer` (both counted from 1 at the bottom). */
export interface HiddenBytes {
  by: number;
  layer: number;
  /** Deleted (a whiteout) or written again (a new copy above). */
  how: "deleted" | "replaced";
  bytes: number;
  files: number;
  /** The largest hidden file, to name in the picture. */
  largest: string;
}

interface Visible {
  layer: number;
  entry: ListedEntry;
}

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";

/**
 * What each layer hides of the layers below it, for the layers listed bottom first (null: not readable,
 * which hides nothing and is hidden by nothing). Only files with bytes count; folders and links weigh nothing.
 */
export function hiddenBytes(listings: readonly (ListedEntry[] | null)[]): HiddenBytes[] {
  const visible = new Map<string, Visible>();
  // Each folder's visible children, so a whiteout walks only what it hides: a layer of many whiteouts over a
  // base of many files must not cost their product.
  const children = new Map<string, Set<string>>();
  const links = new Map<string, HiddenBytes>();
  // The size of each link's largest file so far, to name it.
  const largestSize = new Map<string, number>();

  const show = (path: string, seen: Visible) => {
    visible.set(path, seen);
    // Links the path into its folder, and that folder into its own, up to the first already linked.
    for (let child = path; ; ) {
      const slash = child.lastIndexOf("/");
      const folder = slash === -1 ? "" : child.slice(0, slash);
      const set = children.get(folder);
      if (set?.has(child)) break;
      if (set) set.add(child);
      else children.set(folder, new Set([child]));
      if (folder === "") break;
      child = folder;
    }
  };
  const hide = (by: number, how: HiddenBytes["how"], path: string) => {
    const below = visible.get(path);
    if (!below) return;
    visible.delete(path);
    const size = below.entry.sizeBytes;
    if (size === 0) return;
    const key = `${by}/${below.layer}/${how}`;
    const link = links.get(key) ?? { by, layer: below.layer, how, bytes: 0, files: 0, largest: path };
    if (size > (largestSize.get(key) ?? 0)) {
      link.largest = path;
      largestSize.set(key, size);
    }
    link.bytes += size;
    link.files += 1;
    links.set(key, link);
  };
  /** Hides everything under `folder` (and the folder itself with `withFolder`), then forgets that part of the tree. */
  const hideTree = (by: number, how: HiddenBytes["how"], folder: string, withFolder: boolean) => {
    const stack = [...(children.get(folder) ?? [])];
    children.delete(folder);
    while (stack.length > 0) {
      const path = stack.pop()!;
      hide(by, how, path);
      for (const child of children.get(path) ?? []) stack.push(child);
      children.delete(path);
    }
    if (withFolder) hide(by, how, folder);
  };

  listings.forEach((entries, index) => {
    if (!entries) return;
    const number = index + 1;
    // Whiteouts act on the layers below only; this layer's own files land after them.
    for (const { path } of entries) {
      const slash = path.lastIndexOf("/");
      const folder = slash === -1 ? "" : path.slice(0, slash);
      const base = path.slice(slash + 1);
      if (base === OPAQUE) hideTree(number, "deleted", folder, false);
      else if (base.startsWith(WHITEOUT)) hideTree(number, "deleted", (folder ? `${folder}/` : "") + base.slice(WHITEOUT.length), true);
    }
    for (const entry of entries) {
      const base = entry.path.slice(entry.path.lastIndexOf("/") + 1);
      if (base.startsWith(WHITEOUT)) continue;
      const below = visible.get(entry.path);
      // A folder over a folder merges; anything else over an entry replaces it (and a non-folder replaces a whole tree).
      if (below && !(entry.type === "d" && below.entry.type === "d")) hide(number, "replaced", entry.path);
      if (entry.type !== "d") hideTree(number, "replaced", entry.path, false);
      show(entry.path, { layer: number, entry });
    }
  });
  return [...links.values()].sort((a, b) => b.by - a.by || b.layer - a.layer);
}
