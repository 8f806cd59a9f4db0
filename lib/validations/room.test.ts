import { describe, expect, it } from "vitest";
import { learnerMessageSchema, roomSettingsFromQuery } from "./room";

describe("room query", () => {
  it("takes the dashboard's stuck settings, with defaults for what it leaves out", () => {
    expect(roomSettingsFromQuery(new URLSearchParams("stuckAfter=15&repeated=4"))).toEqual({ ok: true, settings: { stuckAfterMinutes: 15, repeatedFailures: 4 } });
    expect(roomSettingsFromQuery(new URLSearchParams(""))).toEqual({ ok: true, settings: { stuckAfterMinutes: 10, repeatedFailures: 3 } });
  });

  it("refuses values outside the bounds or not numbers", () => {
    for (const query of ["stuckAfter=0", "stuckAfter=abc", "repeated=1", "repeated=11", "repeated=2.5", "stuckAfter=99999"]) {
      expect(roomSettingsFromQuery(new URLSearchParams(query)).ok, query).toBe(false);
    }
  });

  it("a direct message is 1 to 500 characters, trimmed", () => {
    expect(learnerMessageSchema.parse({ text: "  look at layer 2  " })).toEqual({ text: "look at layer 2" });
    expect(learnerMessageSchema.safeParse({ text: "   " }).success).toBe(false);
    expect(learnerMessageSchema.safeParse({ text: "x".repeat(501) }).success).toBe(false);
  });
});
