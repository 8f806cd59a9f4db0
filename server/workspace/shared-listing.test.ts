import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FileEntry } from "@/lib/workspace/workspace-api";
import { listingKey, SharedListings } from "./shared-listing";

const files: FileEntry[] = [{ kind: "absent", path: "Dockerfile" }];

let listings: SharedListings;
beforeEach(() => {
  listings = new SharedListings();
});
afterEach(() => vi.useRealTimers());

describe("SharedListings", () => {
  it("shares one listing between polls within a second, and lists again after that", async () => {
    vi.useFakeTimers();
    const load = vi.fn(async () => files);
    const key = listingKey("s1", "anatomy");
    await Promise.all([listings.get(key, load), listings.get(key, load)]);
    vi.advanceTimersByTime(500);
    await listings.get(key, load);
    expect(load).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(600);
    await listings.get(key, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("keeps sandboxes and chapters apart, and forgets a sandbox's listings after a save", async () => {
    const load = vi.fn(async () => files);
    await listings.get(listingKey("s1", "anatomy"), load);
    await listings.get(listingKey("s1", "layers"), load);
    await listings.get(listingKey("s2", "anatomy"), load);
    expect(load).toHaveBeenCalledTimes(3);
    listings.forget("s1");
    await listings.get(listingKey("s1", "anatomy"), load);
    await listings.get(listingKey("s2", "anatomy"), load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it("never hands out a failed listing twice", async () => {
    const key = listingKey("s1", "anatomy");
    await expect(listings.get(key, async () => Promise.reject(new Error("sandbox stopped")))).rejects.toThrow("sandbox stopped");
    await expect(listings.get(key, async () => files)).resolves.toEqual(files);
  });
});
