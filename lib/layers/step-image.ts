import type { CheckSpec } from "@/lib/checks/check-spec";

/**
 * The image a step is about: the first of its checks that names one. The layer view pictures it.
 * Null when no check names an image (a step about the build cache or a file only).
 */
export function stepImage(step: { checks: readonly CheckSpec[] }): string | null {
  for (const check of step.checks) {
    // `container` checks name an image only optionally; any other check with the field always does.
    if ("image" in check && check.image) return check.image;
  }
  return null;
}
