import { z } from "zod";
import { startSessionSchema } from "./session";
import { JOIN_CODE_LENGTH, isWellFormedJoinCode, normalizeJoinCode } from "@/lib/workshop/join-code";

const chapterId = z.string().regex(/^[a-z0-9-]{1,64}$/, "Unknown chapter.");
const drillId = z.string().regex(/^[a-z0-9-]{1,64}$/, "Unknown drill.");

/** A date-time as the browser's datetime-local input or an ISO string gives it. */
const when = (name: string) =>
  z
    .string({ error: `Enter the ${name} date and time.` })
    .min(1, `Enter the ${name} date and time.`)
    .transform((value, ctx) => {
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) {
        ctx.addIssue({ code: "custom", message: `The ${name} is not a date and time.` });
        return z.NEVER;
      }
      return date;
    });

export const MAX_WORKSHOP_CAPACITY = 500;
const MAX_WORKSHOP_DAYS = 14;

export const newWorkshopSchema = z
  .object({
    title: z.string({ error: "Enter a title." }).trim().min(1, "Enter a title.").max(120, "A title has at most 120 characters."),
    chapterIds: z
      .array(chapterId, { error: "Choose the chapters the workshop covers." })
      .min(1, "Choose at least one chapter.")
      .max(50, "Too many chapters."),
    /** The drills the room plays; none is a workshop without a drill race. */
    drillIds: z.array(drillId, { error: "Choose the drills as a list." }).max(50, "Too many drills.").default([]),
    startsAt: when("start"),
    endsAt: when("end"),
    capacity: z.coerce
      .number({ error: "Enter the number of seats." })
      .int("The number of seats is a whole number.")
      .min(1, "A workshop has at least 1 seat.")
      .max(MAX_WORKSHOP_CAPACITY, `A workshop has at most ${MAX_WORKSHOP_CAPACITY} seats.`),
  })
  .refine((w) => w.endsAt > w.startsAt, { message: "The end must come after the start.", path: ["endsAt"] })
  .refine((w) => w.endsAt.getTime() - w.startsAt.getTime() <= MAX_WORKSHOP_DAYS * 24 * 3600_000, {
    message: `A workshop lasts at most ${MAX_WORKSHOP_DAYS} days.`,
    path: ["endsAt"],
  });
export type NewWorkshopInput = z.infer<typeof newWorkshopSchema>;

export const chapterLockSchema = z.object({
  chapterId,
  locked: z.boolean({ error: "Say whether the chapter is locked (true or false)." }),
});

/** Ending a workshop: keep each member's sandbox home (restored at their next visit) or delete it with the sandbox. */
export const endWorkshopSchema = z.object({
  keepWork: z.boolean({ error: "Say whether the learners' work is kept (true or false)." }),
});

export const broadcastSchema = z.object({
  text: z.string({ error: "Enter a message." }).trim().min(1, "Enter a message.").max(500, "A message has at most 500 characters."),
});

export const joinCodeSchema = z
  .string({ error: "Enter the workshop code." })
  .transform(normalizeJoinCode)
  .refine((code) => code.length > 0, "Enter the workshop code.")
  .refine(isWellFormedJoinCode, `A workshop code has ${JOIN_CODE_LENGTH} letters and digits, like K7QX2M. Check it on the projector.`);

export const joinSchema = z.object({
  code: joinCodeSchema,
  displayName: startSessionSchema.shape.displayName,
});

/** What a broadcast answers: how many learners' pages it reached. */
export const broadcastAnswerSchema = z.object({ recipients: z.number().int() });

/** What ending a workshop answers: sandboxes released, and those that could not be. */
export const endWorkshopAnswerSchema = z.object({ released: z.number().int(), failed: z.number().int() });

/** What creating a workshop answers: where its page is. */
export const newWorkshopAnswerSchema = z.object({ workshop: z.object({ id: z.string() }) });
