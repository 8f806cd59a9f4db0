import { describe, expect, it } from "vitest";
import { judgeCacheImport, resolveCacheSource, type CacheImportSpec } from "./cache-import";
import { checkSpecSchema } from "./check-spec";
import { EXPORT_MISSING, judgeExportedFiles, type ExportedFilesSpec } from "./exported-files";
import { recorded } from "./fixtures/recorded";

const importSpec = (fields: Record<string, unknown>) =>
  checkSpecSchema.parse({
    id: "c",
    title: "t",
    kind: "cache-import",
    from: "type=registry,ref=localhost:5000/fixture:max",
    change: { file: "hello.sh", append: "# {nonce}" },
    cached: "^RUN cp deps\\.txt",
    rebuilt: "^COPY hello\\.sh",
    ...fields,
  }) as CacheImportSpec;
const exportSpec = (fields: Record<string, unknown>) => checkSpecSchema.parse({ id: "c", title: "t", kind: "exported-files", ...fields }) as ExportedFilesSpec;
const pruned = { stdout: "Total:\t1.2MB\n", stderr: "", exitCode: 0, timedOut: false };

describe("cache-import on real builds after a prune", () => {
  it("passes when the build stage's step came from a mode=max cache, and fails for a mode=min one", () => {
    const hit = judgeCacheImport(importSpec({}), { prune: pruned, build: recorded("cache-import-max") });
    expect(hit.passed, hit.message).toBe(true);
    expect(hit.message).toContain("`RUN cp deps.txt /deps.lock` came from `--cache-from type=registry,ref=localhost:5000/fixture:max`");
    const miss = judgeCacheImport(importSpec({ from: "type=registry,ref=localhost:5000/fixture:min" }), { prune: pruned, build: recorded("cache-import-min") });
    expect(miss.passed).toBe(false);
    expect(miss.message).toMatch(/`RUN cp deps\.txt \/deps\.lock` ran again: the cache there has no record of it\.$/);
  });

  it("quotes BuildKit when the cache could not be read at all", () => {
    const result = judgeCacheImport(importSpec({ from: "type=local,src=nowhere", change: undefined, rebuilt: undefined }), { prune: pruned, build: recorded("cache-import-absent") });
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/the cache could not be read \(`local cache import at .*nowhere not found/);
  });

  it("makes a relative src absolute and leaves the rest alone", () => {
    expect(resolveCacheSource("type=local,src=.buildcache", (p) => `/home/learner/x/${p}`)).toBe("type=local,src=/home/learner/x/.buildcache");
    expect(resolveCacheSource("type=local,src=/abs", () => "no")).toBe("type=local,src=/abs");
    expect(resolveCacheSource("localhost:5000/hello:latest", () => "no")).toBe("localhost:5000/hello:latest");
  });
});

describe("exported-files on real exports", () => {
  it("tells a whole root filesystem from the one program wanted", () => {
    const result = judgeExportedFiles(exportSpec({ path: "out", format: "folder", has: ["hello"] }), recorded("export-folder-rootfs"));
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^out has no hello\. It holds a whole root filesystem \(bin, .*--target/);
    // Control: the program is in there, one level down, and `has` finds it where it is.
    expect(judgeExportedFiles(exportSpec({ path: "out", format: "folder", has: ["usr/local/bin"] }), recorded("export-folder-rootfs")).passed).toBe(true);
  });

  it("reads a type=tar file's entries, and refuses it as an OCI layout", () => {
    expect(judgeExportedFiles(exportSpec({ path: "hello.tar", format: "tar", has: ["hello"] }), recorded("export-tar-files")).passed).toBe(true);
    expect(judgeExportedFiles(exportSpec({ path: "hello.tar", format: "oci" }), recorded("export-tar-files")).message).toMatch(/is not an OCI image layout: it has no index\.json/);
  });

  it("accepts an OCI layout whose index names an image", () => {
    const result = judgeExportedFiles(exportSpec({ path: "image.tar", format: "oci", has: ["index.json", "oci-layout"] }), recorded("export-oci-tar"));
    expect(result.passed, result.message).toBe(true);
    expect(result.message).toMatch(/^image\.tar is an OCI image layout: its index\.json names 1 image/);
  });

  it("says what writes a missing export", () => {
    const missing = { stdout: "", stderr: "", exitCode: EXPORT_MISSING, timedOut: false };
    expect(judgeExportedFiles(exportSpec({ path: ".buildcache", format: "oci", writtenBy: "`--cache-to type=local,dest=.buildcache`" }), missing).message).toBe(
      "There is no .buildcache yet: `--cache-to type=local,dest=.buildcache` writes it.",
    );
  });
});
