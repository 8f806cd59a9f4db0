import "server-only";
import type { InstructorIdentity } from "../auth/instructor-session";
import { listInstructors } from "../db/instructors";
import { listWorkshopsOf } from "../db/workshops";

/** What an instructor's home page lists: their own workshops, and (for the administrator) the instructor accounts. */
export async function showInstructorHome(instructor: InstructorIdentity) {
  const [workshops, instructors] = await Promise.all([listWorkshopsOf(instructor.id), instructor.role === "admin" ? listInstructors() : []]);
  return { workshops, instructors };
}
