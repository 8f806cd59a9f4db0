import "server-only";
import { EventEmitter } from "node:events";
import type { LearnerEvent } from "@/lib/learner-events";

/** In-process fan-out of events to a learner's open pages; shared by the custom server and Next's route bundles. */
const slot = globalThis as unknown as { layerlabLearnerBus?: EventEmitter };

function bus(): EventEmitter {
  if (!slot.layerlabLearnerBus) {
    slot.layerlabLearnerBus = new EventEmitter();
    // One listener per open tab; a workshop room opens hundreds.
    slot.layerlabLearnerBus.setMaxListeners(0);
  }
  return slot.layerlabLearnerBus;
}

export function publishToLearner(learnerId: string, event: LearnerEvent): void {
  bus().emit(learnerId, event);
}

export function subscribeLearner(learnerId: string, listener: (event: LearnerEvent) => void): () => void {
  bus().on(learnerId, listener);
  return () => bus().off(learnerId, listener);
}
