import { z } from "zod";
import { describe, expect, it } from "vitest";
import { ApiError, answerOf, errorOf, request } from "./api-client";

describe("the client's reading of the lab's answers", () => {
  it("a refusal keeps the server's sentence and stable code; a bare status still gets one", async () => {
    const refused = await errorOf(Response.json({ error: "Too many restarts; wait a minute.", code: "rate_limited" }, { status: 429 }));
    expect(refused).toMatchObject({ status: 429, code: "rate_limited", message: "Too many restarts; wait a minute." });
    const bare = await errorOf(new Response("<html>Bad gateway</html>", { status: 502 }));
    expect(bare).toMatchObject({ status: 502, code: "internal", message: "The server answered 502." });
    // An answer from before codes: its sentence, and the code its status means.
    expect(await errorOf(Response.json({ error: "No such drill." }, { status: 404 }))).toMatchObject({ code: "not_found", message: "No such drill." });
  });

  it("an ok answer is checked against its schema: what fits comes through, what does not is refused as unreadable", async () => {
    const schema = z.object({ hints: z.array(z.string()) });
    expect(await answerOf(Response.json({ hints: ["Look at the layers."] }), schema)).toEqual({ hints: ["Look at the layers."] });
    await expect(answerOf(Response.json({ hints: "not a list" }), schema)).rejects.toMatchObject({ code: "unreadable" });
    await expect(answerOf(Response.json({ error: "Sign in first.", code: "unauthenticated" }, { status: 401 }), schema)).rejects.toMatchObject({ code: "unauthenticated" });
  });

  it("a lab that cannot be reached is an ApiError with code unreachable; an abort stays an abort", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const failure = await request("http://127.0.0.1:1/api/session").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 0, code: "unreachable" });
    const abort = new AbortController();
    abort.abort();
    const aborted = await request("http://127.0.0.1:1/api/session", { signal: abort.signal }).catch((error: unknown) => error);
    expect(aborted).not.toBeInstanceOf(ApiError);
  });
});
