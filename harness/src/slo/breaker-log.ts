import type { PolicyEvent, Recording } from '../model/recording.ts';
import type { ScrapeIndex, SeriesFilter } from './scrape-index.ts';

/** One breaker: `service`'s breaker on its calls to `dependency`. */
export interface BreakerKey {
  service: string;
  dependency: string;
}

/** Whether the exact transition times can answer for a set of breakers, and if not, why. */
export type EventCoverage = { usable: true } | { usable: false; why: string };

/** A breaker starts closed; before its first transition it is closed. */
export const INITIAL_STATE = 'closed';

/**
 * The breakers of a run and their exact transitions (`recording.policyEvents`). A breaker is
 * known from its `circuit_breaker_state` series in the scrapes or from a transition; its
 * transitions are trusted when its service's log was read without a gap.
 */
export class BreakerLog {
  private readonly eventsByKey = new Map<string, PolicyEvent[]>();
  private readonly keys = new Map<string, BreakerKey>();
  private readonly sources: ReadonlyMap<string, number>;

  constructor(recording: Recording, scrapes: ScrapeIndex) {
    this.sources = new Map(recording.policyEventSources.map((source) => [source.service, source.missed]));
    for (const series of scrapes.series('circuit_breaker_state')) {
      const dependency = series.labels.dependency;
      if (dependency !== undefined) this.add({ service: series.service, dependency });
    }
    for (const event of [...recording.policyEvents].sort((a, b) => a.atMs - b.atMs)) {
      const key = this.add({ service: event.service, dependency: event.dependency });
      this.eventsByKey.get(key)!.push(event);
    }
  }

  /** Breakers passing the filter, in a stable order. */
  breakers(filter: SeriesFilter = {}): BreakerKey[] {
    return [...this.keys.values()].filter(
      (key) => (filter.service === undefined || key.service === filter.service) && (filter.dependency === undefined || key.dependency === filter.dependency),
    );
  }

  /** The transitions of one breaker, oldest first. */
  events(key: BreakerKey): readonly PolicyEvent[] {
    return this.eventsByKey.get(keyOf(key)) ?? [];
  }

  /** The state the breaker was in at `atMs` (after any transition at exactly that time). */
  stateAt(key: BreakerKey, atMs: number): string {
    let state = INITIAL_STATE;
    for (const event of this.events(key)) {
      if (event.atMs > atMs) break;
      state = event.to;
    }
    return state;
  }

  /** Whether the service's transitions were read at all (the band draws them even with a gap). */
  hasLog(service: string): boolean {
    return this.sources.has(service);
  }

  /** Whether the exact transitions cover every one of these breakers: each service's log was
   * read, and without a gap. */
  coverage(breakers: readonly BreakerKey[]): EventCoverage {
    if (breakers.length === 0) return { usable: false, why: 'no breaker' };
    for (const service of new Set(breakers.map((b) => b.service))) {
      const missed = this.sources.get(service);
      if (missed === undefined) return { usable: false, why: `${service} has no breaker event log` };
      if (missed > 0) return { usable: false, why: `${service}'s breaker event log lost ${missed} transitions` };
    }
    return { usable: true };
  }

  private add(key: BreakerKey): string {
    const id = keyOf(key);
    if (!this.keys.has(id)) {
      this.keys.set(id, key);
      this.eventsByKey.set(id, []);
    }
    return id;
  }
}

function keyOf(key: BreakerKey): string {
  return JSON.stringify([key.service, key.dependency]);
}
