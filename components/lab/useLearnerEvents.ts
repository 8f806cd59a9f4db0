"use client";

import { useEffect, useRef } from "react";
import { openEventStream } from "@/components/api-client";
import { learnerEventSchema, type LearnerEvent } from "@/lib/learner-events";

type Listener = (event: LearnerEvent) => void;

/**
 * One EventSource per page, shared by every component that listens (the step panel, the workshop banner):
 * a browser allows only a few open connections per host, and a room's tabs should not double them.
 */
let shared: { source: EventSource; listeners: Set<Listener> } | null = null;

function subscribe(listener: Listener): () => void {
  if (!shared) {
    const listeners = new Set<Listener>();
    const source = openEventStream("/api/events", learnerEventSchema, (event) => {
      for (const l of listeners) l(event);
    });
    shared = { source, listeners };
  }
  const current = shared;
  current.listeners.add(listener);
  return () => {
    current.listeners.delete(listener);
    if (current.listeners.size === 0) {
      current.source.close();
      if (shared === current) shared = null;
    }
  };
}

/** Subscribes to the learner's server-sent events (check verdicts, messages); EventSource reconnects by itself. */
export function useLearnerEvents(onEvent: (event: LearnerEvent) => void): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => subscribe((event) => handler.current(event)), []);
}
