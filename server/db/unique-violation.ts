import "server-only";

/** True for Prisma's "unique constraint failed" (P2002), whichever database adapter raised it. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
