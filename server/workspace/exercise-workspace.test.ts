import { describe, expect, it, vi } from "vitest";
import { jsonRoute } from "../http/http-error";
import { sandboxFailureOf, SandboxNotRunningError, SandboxRestartingError } from "./exercise-workspace";

/**
 * How the editor's file requests answer when the sandbox goes down under them: a command killed with the sandbox
 * (exit 137, as during `podman kill`) is "your sandbox is restarting", a 503 with its own code, not a 500.
 */
describe("sandboxFailureOf", () => {
  it("takes exit 137 for the sandbox restarting, and the route answers 503 sandbox_restarting", async () => {
    const failure = sandboxFailureOf({ exitCode: 137, timedOut: false });
    expect(failure).toBeInstanceOf(SandboxRestartingError);
    const response = await jsonRoute(() => Promise.reject(failure));
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: string; code: string };
    expect(body.code).toBe("sandbox_restarting");
    expect(body.error).toMatch(/^Your sandbox is restarting/);
    expect(body.error).toMatch(/files are kept/);
  });

  it("takes no answer in time for a sandbox not answering (503 unavailable)", () => {
    const failure = sandboxFailureOf({ exitCode: 137, timedOut: true });
    expect(failure).toBeInstanceOf(SandboxNotRunningError);
    expect(failure).toMatchObject({ status: 503, code: "unavailable" });
  });

  it("positive control: the scripts' own answers (0 and their refusal codes) are left to the callers", () => {
    for (const exitCode of [0, 1, 13, 14, 15, 16, 17, 18]) expect(sandboxFailureOf({ exitCode, timedOut: false })).toBeNull();
  });

  it("an unexpected error is still the generic 500 (so the 503 above is the mapping, not the route)", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await jsonRoute(() => Promise.reject(new Error("Reading x failed in the sandbox (exit 1)")));
    expect(response.status).toBe(500);
    expect(((await response.json()) as { code: string }).code).toBe("internal");
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
  });
});
