import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "./client";
import { isUniqueViolation } from "./unique-violation";

export type InstructorRole = "admin" | "instructor";

export interface Instructor {
  id: string;
  username: string;
  displayName: string;
  role: InstructorRole;
  createdAt: Date;
}

const select = { id: true, username: true, displayName: true, role: true, createdAt: true } as const;

function toInstructor(row: { id: string; username: string; displayName: string; role: string; createdAt: Date }): Instructor {
  return { ...row, role: row.role === "admin" ? "admin" : "instructor" };
}

export async function adminExists(): Promise<boolean> {
  return (await db().instructor.count({ where: { role: "admin" } })) > 0;
}

export class UsernameTakenError extends Error {
  constructor(username: string) {
    super(`The username "${username}" is taken.`);
  }
}

export class AdminExistsError extends Error {
  constructor() {
    super("The administrator exists already; sign in instead.");
  }
}

/**
 * Creates the administrator, once. Two set-up forms sent at the same moment both pass any "no admin
 * yet?" test, so the guard is the unique setupSlot column: the second insert fails in the database.
 */
export async function createAdministrator(input: { username: string; displayName: string; passwordHash: string }): Promise<Instructor> {
  try {
    const row = await db().instructor.create({ data: { id: randomUUID(), ...input, role: "admin", setupSlot: 1 }, select });
    return toInstructor(row);
  } catch (error) {
    if (isUniqueViolation(error)) {
      if (await adminExists()) throw new AdminExistsError();
      throw new UsernameTakenError(input.username);
    }
    throw error;
  }
}

export async function createInstructor(input: { username: string; displayName: string; passwordHash: string }): Promise<Instructor> {
  try {
    return toInstructor(await db().instructor.create({ data: { id: randomUUID(), ...input, role: "instructor" }, select }));
  } catch (error) {
    if (isUniqueViolation(error)) throw new UsernameTakenError(input.username);
    throw error;
  }
}

/** For sign-in only: the account with its password hash. */
export async function findInstructorCredentials(username: string): Promise<(Instructor & { passwordHash: string }) | null> {
  const row = await db().instructor.findUnique({ where: { username }, select: { ...select, passwordHash: true } });
  return row && { ...toInstructor(row), passwordHash: row.passwordHash };
}

export async function listInstructors(): Promise<Instructor[]> {
  return (await db().instructor.findMany({ select, orderBy: { createdAt: "asc" } })).map(toInstructor);
}
