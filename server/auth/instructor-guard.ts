import "server-only";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { adminExists } from "../db/instructors";
import { findWorkshop, type Workshop } from "../db/workshops";
import { INSTRUCTOR_COOKIE, instructorFromToken, instructorTokenFromCookieHeader, type InstructorIdentity } from "./instructor-session";
import { HttpError } from "./request-guard";

export type { InstructorIdentity } from "./instructor-session";
export type { Workshop } from "../db/workshops";

/**
 * The instructor behind the current request (instructor cookie), or null. Route handlers pass their
 * request (read directly, so they also run outside Next's request scope, as in tests); pages pass nothing.
 */
export async function currentInstructor(request?: Request): Promise<InstructorIdentity | null> {
  if (request) return instructorFromToken(instructorTokenFromCookieHeader(request.headers.get("cookie")));
  const store = await cookies();
  return instructorFromToken(store.get(INSTRUCTOR_COOKIE)?.value);
}

/** For instructor route handlers: a signed-in instructor, or HttpError 401 (the route guards have checked its origin first). */
export async function requireInstructor(request?: Request): Promise<InstructorIdentity> {
  const instructor = await currentInstructor(request);
  if (!instructor) throw new HttpError(401, "Sign in as an instructor first.");
  return instructor;
}

/** As requireInstructor, and the instructor must be the administrator (403 otherwise). */
export async function requireAdmin(request?: Request): Promise<InstructorIdentity> {
  const instructor = await requireInstructor(request);
  if (instructor.role !== "admin") throw new HttpError(403, "Only the administrator can do this.");
  return instructor;
}

/** Workshop ids are UUIDs; anything else is not looked up. */
const WORKSHOP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The workshop, if the signed-in instructor owns it. Another instructor's workshop answers 404 exactly
 * like a missing one, so its existence does not leak.
 */
export async function requireWorkshopOwner(
  workshopId: string,
  request?: Request,
): Promise<{ instructor: InstructorIdentity; workshop: Workshop }> {
  const instructor = await requireInstructor(request);
  const workshop = WORKSHOP_ID.test(workshopId) ? await findWorkshop(workshopId) : null;
  if (!workshop || workshop.ownerId !== instructor.id) throw new HttpError(404, "No such workshop.");
  return { instructor, workshop };
}

/** Whether the lab has its administrator yet: the set-up page is for the first run only. */
export async function isLabSetUp(): Promise<boolean> {
  return adminExists();
}

/** For instructor pages: the instructor, or a redirect to set-up (no administrator yet) or to sign-in. */
export async function instructorForPage(): Promise<InstructorIdentity> {
  const instructor = await currentInstructor();
  if (instructor) return instructor;
  redirect((await adminExists()) ? "/instructor/login" : "/instructor/setup");
}

/** For instructor pages about one workshop: the owner's view of it, or Next's 404 page. */
export async function workshopForPage(workshopId: string): Promise<{ instructor: InstructorIdentity; workshop: Workshop }> {
  const instructor = await instructorForPage();
  const workshop = WORKSHOP_ID.test(workshopId) ? await findWorkshop(workshopId) : null;
  if (!workshop || workshop.ownerId !== instructor.id) notFound();
  return { instructor, workshop };
}
