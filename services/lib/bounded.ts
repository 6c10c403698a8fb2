/**
 * How many trips a service remembers in its per-trip bookkeeping (trips, assignments, side
 * effects). A catalog run creates a few thousand; a long run (a soak, a demo left running) must
 * not grow without bound, so the oldest are forgotten past this many — like IdempotencyStore.
 */
export const rememberedTrips = 10_000;

/** Deletes the oldest entries (insertion order) of a Map or Set until it holds at most `max`. */
export function forgetOldest(collection: Map<unknown, unknown> | Set<unknown>, max: number): void {
  while (collection.size > max) collection.delete(collection.keys().next().value);
}
