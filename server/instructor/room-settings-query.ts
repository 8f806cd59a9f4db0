import "server-only";
import type { RoomSettings } from "@/lib/workshop/room";
import { roomSettingsFromQuery } from "@/lib/validations/room";
import { HttpError } from "../http/http-error";

/** The dashboard's choice of when a learner counts as stuck (`?stuckAfter=&repeated=`), or a 400 naming what is wrong. */
export function roomSettingsOf(request: Request): RoomSettings {
  const query = roomSettingsFromQuery(new URL(request.url).searchParams);
  if (!query.ok) throw new HttpError(400, query.error);
  return query.settings;
}
