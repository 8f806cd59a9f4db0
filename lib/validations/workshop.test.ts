import { describe, expect, it } from "vitest";
import { broadcastSchema, joinSchema, newWorkshopSchema } from "./workshop";

const valid = { title: "Room", chapterIds: ["layers"], startsAt: "2026-11-23T09:00:00Z", endsAt: "2026-11-23T12:00:00Z", capacity: "30" };
const messages = (r: { success: boolean; error?: { issues: { message: string }[] } }) => r.error?.issues.map((i) => i.message) ?? [];

describe("workshop input", () => {
  it("takes a complete workshop and turns strings into dates and numbers", () => {
    const parsed = newWorkshopSchema.parse(valid);
    expect(parsed.startsAt).toEqual(new Date("2026-11-23T09:00:00Z"));
    expect(parsed.capacity).toBe(30);
    expect(parsed.drillIds).toEqual([]);
  });

  it("says what is wrong", () => {
    expect(messages(newWorkshopSchema.safeParse({ ...valid, endsAt: valid.startsAt }))).toEqual(["The end must come after the start."]);
    expect(messages(newWorkshopSchema.safeParse({ ...valid, endsAt: "2026-12-23T09:00:00Z" }))).toEqual(["A workshop lasts at most 14 days."]);
    expect(messages(newWorkshopSchema.safeParse({ ...valid, capacity: "2.5" }))).toEqual(["The number of seats is a whole number."]);
    expect(messages(newWorkshopSchema.safeParse({ ...valid, chapterIds: ["../etc"] }))).toEqual(["Unknown chapter."]);
    expect(messages(newWorkshopSchema.safeParse({ ...valid, drillIds: ["Bad Id"] }))).toEqual(["Unknown drill."]);
    expect(messages(newWorkshopSchema.safeParse({ ...valid, drillIds: "typo" }))).toEqual(["Choose the drills as a list."]);
    expect(messages(newWorkshopSchema.safeParse({}))).toContain("Enter a title.");
    expect(messages(broadcastSchema.safeParse({ text: "x".repeat(501) }))).toEqual(["A message has at most 500 characters."]);
  });

  it("normalizes the join code and checks its shape", () => {
    expect(joinSchema.parse({ code: "k7q-x2m", displayName: "Ada" }).code).toBe("K7QX2M");
    expect(messages(joinSchema.safeParse({ code: "", displayName: "Ada" }))).toContain("Enter the workshop code.");
    expect(messages(joinSchema.safeParse({ code: "K7QX2", displayName: "Ada" }))[0]).toMatch(/6 letters and digits/);
  });
});
