"use client";

import { useEffect, useMemo, useState } from "react";
import { usePolledJson } from "@/components/api-action";
import { ApiError, openEventStream } from "@/components/api-client";
import { mergeLearners, roomEventSchema, roomSnapshotSchema, roomView, type RoomSettings, type RoomSnapshot, type RoomView } from "@/lib/workshop/room";

/** A full reload this often catches what no event announces (a learner joining, time passing for "idle"). */
const RESYNC_MS = 30_000;
/** The clock ticks the view this often, so "idle for N min" and "last active" stay true between events. */
const TICK_MS = 15_000;

export interface RoomState {
  snapshot: RoomSnapshot | null;
  view: RoomView | null;
  error: string | null;
  /** The live event stream is connected. */
  live: boolean;
  /** Server time now, estimated from the last snapshot or event. */
  now: number;
}

export function roomQuery(settings: RoomSettings): string {
  return new URLSearchParams({ stuckAfter: String(settings.stuckAfterMinutes), repeated: String(settings.repeatedFailures) }).toString();
}

/**
 * The live room: a snapshot from the room route, then fresh facts per learner from the event stream merged in,
 * and a periodic full reload. Everything shown is computed from these facts by lib/workshop/room.
 */
export function useRoom(workshopId: string, settings: RoomSettings): RoomState {
  const [snapshot, setSnapshot] = useState<RoomSnapshot | null>(null);
  const [live, setLive] = useState(false);
  // Server time minus browser time: idle times come out right even with a wrong browser clock.
  const [skew, setSkew] = useState(0);
  const [tick, setTick] = useState(() => Date.now());
  const query = roomQuery(settings);

  const polled = usePolledJson(`/api/instructor/workshops/${workshopId}/room?${query}`, roomSnapshotSchema, RESYNC_MS);
  useEffect(() => {
    if (!polled.data) return;
    setSkew(polled.data.now - Date.now());
    setSnapshot(polled.data);
  }, [polled.data]);
  // A refusal says why (signed out, not your workshop); anything else is retried by the next resync.
  const failure = polled.error;
  const error = failure === null ? null : failure instanceof ApiError && failure.status >= 400 && failure.code !== "unreadable" ? failure.message : "The room could not be loaded; retrying.";

  useEffect(() => {
    const source = openEventStream(
      `/api/instructor/workshops/${workshopId}/events`,
      roomEventSchema,
      (event) => {
        setSkew(event.now - Date.now());
        setSnapshot((current) => (current ? mergeLearners(current, event.learners, event.now) : current));
      },
      setLive,
    );
    return () => source.close();
  }, [workshopId]);

  useEffect(() => {
    const timer = setInterval(() => setTick(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  const now = Math.max(tick + skew, snapshot?.now ?? 0);
  const view = useMemo(() => (snapshot ? roomView({ ...snapshot, settings, now }) : null), [snapshot, settings, now]);
  return { snapshot, view, error, live, now };
}
