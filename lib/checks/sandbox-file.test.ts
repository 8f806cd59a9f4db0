import { describe, expect, it } from "vitest";
import { checkSpecSchema } from "./check-spec";
import { recorded } from "./fixtures/recorded";
import { judgeFile, type FileSpec } from "./sandbox-file";

const spec = (fields: Record<string, unknown>) => checkSpecSchema.parse({ id: "c", title: "t", kind: "file", path: "Dockerfile", ...fields }) as FileSpec;

describe("file checks on real reads", () => {
  it("checks presence and content", () => {
    expect(judgeFile(spec({}), recorded("file-dockerfile"))).toEqual({ passed: true, message: "Dockerfile exists." });
    expect(judgeFile(spec({ contains: "^USER nobody$" }), recorded("file-dockerfile")).passed).toBe(true);
    expect(judgeFile(spec({ contains: "^USER app$" }), recorded("file-dockerfile")).message).toBe("Dockerfile does not contain /^USER app$/ yet.");
    expect(judgeFile(spec({ lacks: "^RUN rm .*" }), recorded("file-dockerfile")).message).toBe("Dockerfile still contains `RUN rm /big.bin`.");
  });

  it("tells missing files and folders apart", () => {
    expect(judgeFile(spec({ path: "nothing" }), recorded("file-missing")).message).toBe("There is no nothing yet.");
    expect(judgeFile(spec({ path: "web" }), recorded("file-directory")).passed).toBe(true);
    expect(judgeFile(spec({ path: "web", contains: "x" }), recorded("file-directory")).message).toBe("web is a folder, not a file.");
  });
});
