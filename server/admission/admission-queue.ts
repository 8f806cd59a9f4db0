/**
 * Who may start a sandbox now, and who waits: pure rules over the lab's places, the learners holding
 * one, and the seats of running workshops.
 *
 * A running workshop's seats are reserved for its members: a place for each member who joined and has
 * no sandbox yet is held back from everyone else, so the public never takes it, and a member never waits
 * while their workshop has such a place (even behind public learners who came first). Everyone else waits
 * first come, first served.
 */

export interface Occupancy {
  /** Sandboxes the lab may run for learners at once. */
  places: number;
  /** The workshop (or null for the public) of each learner holding a place. */
  holders: Iterable<string | null>;
  /** Seats kept for each running workshop (its members who joined), by workshop id. */
  seats: ReadonlyMap<string, number>;
}

export interface WaitingLearner {
  learnerId: string;
  /** The running workshop they belong to, or null. */
  workshopId: string | null;
}

interface Tally {
  held: number;
  heldBy: Map<string, number>;
}

function tally(holders: Iterable<string | null>): Tally {
  const t: Tally = { held: 0, heldBy: new Map() };
  for (const w of holders) {
    t.held++;
    if (w !== null) t.heldBy.set(w, (t.heldBy.get(w) ?? 0) + 1);
  }
  return t;
}

/** Places a learner of `workshopId` (null: the public) may take now: free places not reserved for other workshops. */
function freeFor(workshopId: string | null, places: number, seats: ReadonlyMap<string, number>, t: Tally): number {
  let reservedForOthers = 0;
  for (const [w, n] of seats) if (w !== workshopId) reservedForOthers += Math.max(0, n - (t.heldBy.get(w) ?? 0));
  return places - t.held - reservedForOthers;
}

/** Whether one more learner of `workshopId` may start a sandbox now. */
export function hasPlaceFor(workshopId: string | null, occupancy: Occupancy): boolean {
  return freeFor(workshopId, occupancy.places, occupancy.seats, tally(occupancy.holders)) >= 1;
}

/**
 * The waiting learners who may start now, in queue order. Each one admitted counts before the next is
 * considered; one who cannot start does not hold up those behind who can (a workshop member behind the public).
 */
export function admitFromQueue(queue: readonly WaitingLearner[], occupancy: Occupancy): string[] {
  const t = tally(occupancy.holders);
  const admitted: string[] = [];
  for (const w of queue) {
    if (freeFor(w.workshopId, occupancy.places, occupancy.seats, t) < 1) continue;
    admitted.push(w.learnerId);
    t.held++;
    if (w.workshopId !== null) t.heldBy.set(w.workshopId, (t.heldBy.get(w.workshopId) ?? 0) + 1);
  }
  return admitted;
}

/** 1-based place in line: everyone ahead in the queue counts. */
export function positionOf(queue: readonly WaitingLearner[], learnerId: string): number {
  const index = queue.findIndex((w) => w.learnerId === learnerId);
  return index < 0 ? 0 : index + 1;
}

/** Sandboxes the warm pool may hold beside the learners' without going over the places. */
export function poolRoom(places: number, held: number, poolSize: number, waiting: number): number {
  // Learners waiting come first: a pool sandbox would only be handed to them anyway, so make theirs directly.
  if (waiting > 0) return 0;
  return Math.max(0, Math.min(poolSize, places - held));
}
