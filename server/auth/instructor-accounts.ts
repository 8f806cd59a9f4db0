import "server-only";
import type { NewInstructorInput } from "@/lib/validations/instructor";
import { recordAudit } from "../db/audit";
import { AdminExistsError, createAdministrator, createInstructor, findInstructorCredentials, UsernameTakenError, type Instructor } from "../db/instructors";
import { startInstructorSession, type InstructorIdentity } from "./instructor-session";
import { hashPassword, verifyAgainstDecoy, verifyPassword } from "./password";
import { enforceLimit, type RateLimits } from "./rate-limit";
import { HttpError } from "./request-guard";

export interface SignedIn {
  instructor: InstructorIdentity;
  token: string;
  expiresAt: Date;
}

function identity(i: Instructor): InstructorIdentity {
  return { id: i.id, username: i.username, displayName: i.displayName, role: i.role };
}

/** First run: the administrator, created once (409 afterwards), and signed in. */
export async function setUpAdministrator(input: NewInstructorInput): Promise<SignedIn> {
  const passwordHash = await hashPassword(input.password);
  try {
    const admin = await createAdministrator({ username: input.username, displayName: input.displayName, passwordHash });
    return { instructor: identity(admin), ...(await startInstructorSession(admin.id)) };
  } catch (error) {
    if (error instanceof AdminExistsError || error instanceof UsernameTakenError) throw new HttpError(409, error.message);
    throw error;
  }
}

const WRONG = "Wrong username or password.";

/**
 * Signs in, rate-limited per address and, for failures, per address and username. An unknown username
 * costs the same hashing as a wrong password and gets the same answer, so neither leaks which exist.
 */
export async function signIn(limits: RateLimits, username: string, password: string, address: string): Promise<SignedIn> {
  enforceLimit(limits.of("login"), address, "sign-in attempts");
  const failures = limits.of("loginFailure");
  const failureKey = `${address} ${username}`;
  if (failures.retryAfterMs(failureKey) > 0) enforceLimit(failures, failureKey, "failed sign-ins");
  const account = await findInstructorCredentials(username);
  const ok = account ? await verifyPassword(password, account.passwordHash) : await verifyAgainstDecoy(password);
  if (!account || !ok) {
    failures.take(failureKey);
    throw new HttpError(401, WRONG);
  }
  return { instructor: identity(account), ...(await startInstructorSession(account.id)) };
}

/** The administrator adds an instructor account (audited). */
export async function addInstructor(admin: InstructorIdentity, input: NewInstructorInput): Promise<Instructor> {
  const passwordHash = await hashPassword(input.password);
  try {
    const created = await createInstructor({ username: input.username, displayName: input.displayName, passwordHash });
    await recordAudit({ actorId: admin.id, action: "instructor.create", detail: { instructorId: created.id, username: created.username } });
    return created;
  } catch (error) {
    if (error instanceof UsernameTakenError) throw new HttpError(409, error.message);
    throw error;
  }
}
