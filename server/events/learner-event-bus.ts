import "server-only";
import { EventEmitter } from "node:events";
import type { LearnerEvent } from "@/lib/learner-events";

/** In-process fan-out of events to a learner's open pages. One per lab runtime (server/lab.ts). */
export class LearnerEventBus {
  private readonly bus = new EventEmitter();

  constructor() {
    // One listener per open tab; a workshop room opens hundreds.
    this.bus.setMaxListeners(0);
  }

  publish(learnerId: string, event: LearnerEvent): void {
    this.bus.emit(learnerId, event);
  }

  /** Returns the unsubscribe function. */
  subscribe(learnerId: string, listener: (event: LearnerEvent) => void): () => void {
    this.bus.on(learnerId, listener);
    return () => this.bus.off(learnerId, listener);
  }
}
