import { describe, expect, it } from "vitest";
import { hiddenBytes, parseListing, type ListedEntry } from "./hidden-bytes";

const file = (path: string, sizeBytes: number): ListedEntry => ({ type: "-", path, sizeBytes });
const dir = (path: string): ListedEntry => ({ type: "d", path, sizeBytes: 0 });

describe("reading a layer's tar listing", () => {
  it("reads GNU tar's verbose lines: files with sizes, folders, links and devices without", () => {
    const listing = [
      "drwxr-xr-x 0/0               0 2026-11-30 09:42 var/lib/apt/lists/lab/",
      "-rw-r--r-- 0/0        62914560 2026-11-30 09:42 var/lib/apt/lists/lab/Packages",
      "---------- 0/0               0 1970-01-01 00:00 var/lib/apt/lists/.wh.lab",
      "lrwxrwxrwx 0/0               0 2026-11-30 09:13 bin -> usr/bin",
      "hrwxr-xr-x 0/0               0 2026-11-30 09:13 usr/bin/perl5.36.0 link to usr/bin/perl",
      "crw-rw-rw- 0/0             1,3 2026-11-30 09:13 dev/null",
      "-rw-r--r-- 0/0              12 2026-11-30 09:13 srv/a file with spaces",
      "tar: a warning",
      "",
    ].join("\n");
    expect(parseListing(listing)).toEqual([
      { type: "d", path: "var/lib/apt/lists/lab", sizeBytes: 0 },
      { type: "-", path: "var/lib/apt/lists/lab/Packages", sizeBytes: 62914560 },
      { type: "-", path: "var/lib/apt/lists/.wh.lab", sizeBytes: 0 },
      { type: "l", path: "bin", sizeBytes: 0 },
      { type: "h", path: "usr/bin/perl5.36.0", sizeBytes: 0 },
      { type: "c", path: "dev/null", sizeBytes: 0 },
      { type: "-", path: "srv/a file with spaces", sizeBytes: 12 },
    ]);
  });
});

describe("what a later layer hides", () => {
  it("a whiteout hides the folder's files in every layer below, attributed to each", () => {
    const links = hiddenBytes([
      [dir("var"), dir("var/lib"), file("var/lib/a", 100)],
      [dir("var/lib"), file("var/lib/b", 50), file("var/lib/c", 70)],
      [dir("var"), file("var/.wh.lib", 0)],
    ]);
    expect(links).toEqual([
      { by: 3, layer: 2, how: "deleted", bytes: 120, files: 2, largest: "var/lib/c" },
      { by: 3, layer: 1, how: "deleted", bytes: 100, files: 1, largest: "var/lib/a" },
    ]);
  });

  it("an opaque whiteout hides what was below in its folder, not the files its own layer puts there", () => {
    const links = hiddenBytes([
      [dir("etc"), file("etc/old.conf", 10), file("etcetera", 5)],
      [dir("etc"), file("etc/.wh..wh..opq", 0), file("etc/new.conf", 3)],
      [file("etc/new.conf", 4)],
    ]);
    expect(links).toEqual([
      { by: 3, layer: 2, how: "replaced", bytes: 3, files: 1, largest: "etc/new.conf" },
      { by: 2, layer: 1, how: "deleted", bytes: 10, files: 1, largest: "etc/old.conf" },
    ]);
  });

  it("a file deleted in the same layer that made it hides nothing: it never reached a layer", () => {
    expect(hiddenBytes([[dir("srv"), file("srv/keep", 1)], [dir("srv")]])).toEqual([]);
  });

  it("a file over a folder hides the folder's files; a folder over a folder merges", () => {
    expect(hiddenBytes([[dir("opt"), file("opt/x", 7)], [dir("opt"), file("opt/y", 1)], [file("opt", 2)]])).toEqual([
      { by: 3, layer: 2, how: "replaced", bytes: 1, files: 1, largest: "opt/y" },
      { by: 3, layer: 1, how: "replaced", bytes: 7, files: 1, largest: "opt/x" },
    ]);
  });

  it("skips a layer it could not read, which hides nothing", () => {
    expect(hiddenBytes([[file("a", 5)], null, [file(".wh.a", 0)]])).toEqual([{ by: 3, layer: 1, how: "deleted", bytes: 5, files: 1, largest: "a" }]);
  });
});

describe("hostile layers", () => {
  it("walks only what each whiteout hides: 20,000 whiteouts over 20,000 files, each file hidden once", () => {
    const base = [dir("data"), ...Array.from({ length: 20_000 }, (_, i) => file(`data/f${i}`, 1))];
    const whiteouts = Array.from({ length: 20_000 }, (_, i) => file(`data/.wh.f${i}`, 0));
    // Not a timing assertion: the result must be right; a product-sized walk would also time the test out.
    expect(hiddenBytes([base, whiteouts])).toEqual([{ by: 2, layer: 1, how: "deleted", bytes: 20_000, files: 20_000, largest: "data/f0" }]);
  });

  it("re-shows a folder's files written after the folder was deleted, and hides them again", () => {
    expect(hiddenBytes([[dir("a"), file("a/x", 3)], [file(".wh.a", 0)], [dir("a"), file("a/x", 4)], [file("a", 1)]])).toEqual([
      { by: 4, layer: 3, how: "replaced", bytes: 4, files: 1, largest: "a/x" },
      { by: 2, layer: 1, how: "deleted", bytes: 3, files: 1, largest: "a/x" },
    ]);
  });
});
