import { describe, expect, it } from "vitest";
import { languageForPath } from "./file-language";

describe("languageForPath", () => {
  it.each([
    ["Dockerfile", "dockerfile"],
    ["app/Dockerfile.dev", "dockerfile"],
    ["Containerfile", "dockerfile"],
    ["web.Dockerfile", "dockerfile"],
    ["entrypoint.sh", "shell"],
    ["server.js", "javascript"],
    ["config/app.YML", "yaml"],
    [".dockerignore", "plaintext"],
    ["Makefile", "plaintext"],
    ["notes.unknown", "plaintext"],
  ])("%s → %s", (path, language) => {
    expect(languageForPath(path)).toBe(language);
  });
});
