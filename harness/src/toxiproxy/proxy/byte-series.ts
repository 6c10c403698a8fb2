import type { Link, LinkBytes } from '../link/link.ts';
import type { ByteSeries } from '../metrics.ts';

function zeroBytes(): LinkBytes {
  return { upstream: { received: 0, sent: 0 }, downstream: { received: 0, sent: 0 } };
}

function addBytes(into: LinkBytes, more: LinkBytes): void {
  for (const d of ['upstream', 'downstream'] as const) {
    into[d].received += more[d].received;
    into[d].sent += more[d].sent;
  }
}

/**
 * Byte counters of one proxy per (listener, upstream) label set. Toxiproxy adds a connection's
 * bytes when it closes; we add closed links' totals to the live links' socket counters at scrape
 * time, so the counters move while a connection is open — at no cost on the data path.
 */
export class ByteCounters {
  private readonly series = new Map<string, { listener: string; upstream: string; closed: LinkBytes; live: Set<Link> }>();
  private readonly seriesOf = new Map<Link, string>();

  track(link: Link, listener: string, upstream: string): void {
    const key = `${listener}\n${upstream}`;
    let entry = this.series.get(key);
    if (!entry) {
      entry = { listener, upstream, closed: zeroBytes(), live: new Set() };
      this.series.set(key, entry);
    }
    entry.live.add(link);
    this.seriesOf.set(link, key);
  }

  closed(link: Link): void {
    const key = this.seriesOf.get(link);
    if (key === undefined) return;
    this.seriesOf.delete(link);
    const entry = this.series.get(key)!;
    entry.live.delete(link);
    addBytes(entry.closed, link.bytes());
  }

  snapshot(): ByteSeries[] {
    return [...this.series.values()].map((entry) => {
      const bytes = zeroBytes();
      addBytes(bytes, entry.closed);
      for (const link of entry.live) addBytes(bytes, link.bytes());
      return { listener: entry.listener, upstream: entry.upstream, bytes };
    });
  }
}
