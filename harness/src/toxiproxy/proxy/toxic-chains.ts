import type { ActiveToxic, AppliedCounter, Direction } from './active-toxic.ts';

/**
 * The toxics of one proxy: one chain per direction, in the order they were added, names unique
 * across both. Also keeps the per-toxic "applied to N connections" counters, which outlive the
 * toxic (the runner reads them after removing it) until the proxy is deleted or reset.
 */
export class ToxicChains {
  private readonly chains: Record<Direction, ActiveToxic[]> = { upstream: [], downstream: [] };
  private readonly counters = new Map<string, AppliedCounter>();

  constructor(private readonly proxyName: string) {}

  /** Upstream chain first, then downstream, as Toxiproxy lists them. */
  list(): ActiveToxic[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  snapshot(): Record<Direction, readonly ActiveToxic[]> {
    return { upstream: [...this.chains.upstream], downstream: [...this.chains.downstream] };
  }

  find(name: string): ActiveToxic | undefined {
    return this.list().find((t) => t.name === name);
  }

  /** The counter a new toxic of this name, type and stream counts into (shared if re-added). */
  counterFor(toxic: string, type: string, stream: string): AppliedCounter {
    const key = JSON.stringify([toxic, type, stream]);
    let counter = this.counters.get(key);
    if (!counter) {
      counter = { proxy: this.proxyName, toxic, type, stream, count: 0 };
      this.counters.set(key, counter);
    }
    return counter;
  }

  add(toxic: ActiveToxic): void {
    this.chains[toxic.direction].push(toxic);
  }

  remove(toxic: ActiveToxic): void {
    const chain = this.chains[toxic.direction];
    chain.splice(chain.indexOf(toxic), 1);
  }

  appliedCounters(): AppliedCounter[] {
    return [...this.counters.values()];
  }

  clearCounters(): void {
    this.counters.clear();
  }
}
