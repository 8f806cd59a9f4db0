import { afterEach, describe, expect, it, vi } from "vitest";
import type { FileEntry } from "@/lib/workspace/workspace-api";
import { forgetListings, listingKey, sharedListing } from "./shared-listing";

const files: FileEntry[] = [{ kind: "absent", path: "Dockerfile" }];

afterEach(() => {
  vi.useRealTimers();
  forgetListings("s1");
  forgetListings("s2");
});

describe("sharedListing", () => {
  it("shares one listing between polls within a second, and lists again after that", async () => {
    vi.useFakeTimers();
    const load = vi.fn(async () => files);
    const key = listingKey("s1", "anatomy");
    await Promise.all([sharedListing(key, load), sharedListing(key, load)]);
    vi.advanceTimersByTime(500);
    await sharedListing(key, load);
    expect(load).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(600);
    await sharedListing(key, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("keeps sandboxes and chapters apart, and forgets a sandbox's listings after a save", async () => {
    const load = vi.fn(async () => files);
    await sharedListing(listingKey("s1", "anatomy"), load);
    await sharedListing(listingKey("s1", "layers"), load);
    await sharedListing(listingKey("s2", "anatomy"), load);
    expect(load).toHaveBeenCalledTimes(3);
    forgetListings("s1");
    await sharedListing(listingKey("s1", "anatomy"), load);
    await sharedListing(listingKey("s2", "anatomy"), load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it("never hands out a failed listing twice", async () => {
    const key = listingKey("s1", "anatomy");
    await expect(sharedListing(key, async () => Promise.reject(new Error("sandbox stopped")))).rejects.toThrow("sandbox stopped");
    await expect(sharedListing(key, async () => files)).resolves.toEqual(files);
  });
});
