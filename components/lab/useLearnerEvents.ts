"use client";

import { useEffect, useRef } from "react";
import { learnerEventSchema, type LearnerEvent } from "@/lib/learner-events";

/** Subscribes to the learner's server-sent events (check verdicts, messages); EventSource reconnects by itself. */
export function useLearnerEvents(onEvent: (event: LearnerEvent) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const source = new EventSource("/api/events");
    source.onmessage = (message) => {
      let raw: unknown;
      try {
        raw = JSON.parse(message.data);
      } catch {
        return;
      }
      const parsed = learnerEventSchema.safeParse(raw);
      if (parsed.success) handler.current(parsed.data);
    };
    return () => source.close();
  }, []);
}
