/**
 * A room that is ready before it arrives: how many sandboxes the warm pool holds, beside its usual spares, for
 * the seats of workshops that are open or about to open. Pure rules; which rooms those are comes from the
 * database (server/workshop/room-warmer.ts) and the manager keeps the pool within the lab's places.
 *
 * Warm sandboxes are ordinary pool sandboxes: whoever is admitted takes one, so warming never makes anyone wait
 * (admission still counts places for learners only), and a member of the room gets a ready sandbox at once.
 */

/**
 * Seats still to warm: for each room, its seats minus the members who hold a place already (they have, or are
 * getting, a sandbox of their own). `holders` is the running workshop of every learner holding a place (null: public).
 */
export function seatsToWarm(rooms: ReadonlyMap<string, number>, holders: Iterable<string | null>): number {
  const heldBy = new Map<string, number>();
  for (const w of holders) if (w !== null) heldBy.set(w, (heldBy.get(w) ?? 0) + 1);
  let seats = 0;
  for (const [workshopId, n] of rooms) seats += Math.max(0, n - (heldBy.get(workshopId) ?? 0));
  return seats;
}

/**
 * Ready pool sandboxes to destroy when the pool holds more than it should (a room ended, or filled): what is
 * beyond the target, not counting sandboxes about to be handed to learners already admitted.
 */
export function poolExcess(pooled: number, target: number, admittedWithoutSandbox: number): number {
  return Math.max(0, pooled - admittedWithoutSandbox - target);
}
