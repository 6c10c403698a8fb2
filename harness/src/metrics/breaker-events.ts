import { PoolsByOrigin } from './pools.ts';
import type { PolicyEvent, PolicyEventSource } from '../model/recording.ts';

/** A service whose `/__faultline/breaker-events` may be read, with the headers that authorise it. */
export interface BreakerEventTarget {
  service: string;
  url: string;
  headers: Record<string, string>;
}

export interface BreakerEventCollectorOptions {
  /** The services to read now; asked at every poll (a relaunched service has a new secret). */
  targets: () => readonly BreakerEventTarget[];
  /** t = 0 of the load on the runner's monotonic clock (`now`'s reading). */
  originMs: number;
  /** The runner's monotonic clock, ms. Default `performance.now()`. */
  now?: () => number;
  /** Per-request time limit, ms. Default 1000. */
  timeoutMs?: number;
}

/** What the route answers (services/lib/breaker-events.ts `BreakerEventPage`). */
interface Page {
  instance: string;
  lastSeq: number;
  /** The service's clock when it answered (absent from older services: taken as ours). */
  nowEpochMs?: number;
  missed: number;
  events: { seq: number; atEpochMs: number; dependency: string; from: string; to: string }[];
}

interface Cursor {
  instance: string;
  after: number;
  missed: number;
}

/**
 * Reads every faultline-aware service's breaker transitions as the run goes (after each
 * scrape, before a service is stopped, once more at the end), so the Recording holds each
 * transition at its exact time instead of the state a scrape happened to sample. It asks for
 * the events after the last one it read; a restarted service (a new `instance`) is read from
 * its start. A service that answers no log (no hook, refused, down) is simply not read then.
 */
export class BreakerEventCollector {
  private readonly cursors = new Map<string, Cursor>();
  private readonly collected: PolicyEvent[] = [];
  private readonly pools = new PoolsByOrigin();
  private readonly busy = new Map<string, Promise<void>>();

  constructor(private readonly options: BreakerEventCollectorOptions) {}

  /** Reads every target now. */
  async poll(): Promise<void> {
    await Promise.all(this.options.targets().map((target) => this.pollOne(target)));
  }

  /** Reads one service now (before it is stopped: what it recorded since the last read would
   * go with it). */
  async pollService(service: string): Promise<void> {
    const target = this.options.targets().find((t) => t.service === service);
    if (target) await this.pollOne(target);
  }

  /** Every transition read, oldest first. */
  events(): PolicyEvent[] {
    return [...this.collected].sort((a, b) => a.atMs - b.atMs);
  }

  /** The services whose log was read at least once, and the events each one's log overwrote
   * before they were read. */
  sources(): PolicyEventSource[] {
    return [...this.cursors].map(([service, cursor]) => ({ service, missed: cursor.missed })).sort((a, b) => (a.service < b.service ? -1 : 1));
  }

  async close(): Promise<void> {
    await this.pools.close();
  }

  private pollOne(target: BreakerEventTarget): Promise<void> {
    // One read per service at a time: a second caller waits for the read under way, then reads
    // again, so a read asked for before a stop really covers everything up to the stop.
    const previous = this.busy.get(target.service) ?? Promise.resolve();
    const next = previous.then(() => this.read(target));
    this.busy.set(target.service, next);
    return next;
  }

  private async read(target: BreakerEventTarget): Promise<void> {
    const known = this.cursors.get(target.service);
    const first = await this.fetch(target, known?.after ?? 0);
    if (!first) return;
    const restarted = known !== undefined && known.instance !== first.page.instance;
    // A restarted service numbers from 1 again and the first page was asked with a stale
    // cursor: ask again from the start.
    const answer = restarted ? await this.fetch(target, 0) : first;
    if (!answer) return;
    const { page: current, offsetMs } = answer;
    const cursor: Cursor = { instance: current.instance, after: known?.after ?? 0, missed: known?.missed ?? 0 };
    if (restarted) cursor.after = 0;
    cursor.missed += current.missed;
    for (const event of current.events) {
      if (event.seq <= cursor.after) continue;
      this.collected.push({
        atMs: Math.round((event.atEpochMs - offsetMs - this.options.originMs) * 1000) / 1000,
        service: target.service,
        dependency: event.dependency,
        from: event.from,
        to: event.to,
      });
      cursor.after = event.seq;
    }
    this.cursors.set(target.service, cursor);
  }

  /**
   * One page, with the offset from the service's clock to the runner's monotonic one: the
   * page's `nowEpochMs` against the middle of the request on our clock (the way NTP estimates
   * it; off by at most half the round trip, a few ms on one machine). The runner never compares
   * an epoch of its own: each process fixes its epoch base once, at start, and a virtual machine
   * paused and resumed (a snapshot) steps the wall clock but not the monotonic one, so a runner
   * that has lived through that and a service started since disagree by the pause. That is how
   * the stability bench saw every dispatch-outage breaker transition ~20 s late, out of its
   * window, in one long process. A service that sends no clock (older ones) is taken to read
   * the wall clock now.
   */
  private async fetch(target: BreakerEventTarget, after: number): Promise<{ page: Page; offsetMs: number } | undefined> {
    const timeout = this.options.timeoutMs ?? 1000;
    const now = this.options.now ?? (() => performance.now());
    try {
      const sentAt = now();
      const response = await this.pools.get(target.url).request({
        path: `/__faultline/breaker-events?after=${after}`,
        method: 'GET',
        headers: target.headers,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const text = await response.body.text();
      const receivedAt = now();
      const wallNow = Date.now();
      if (response.statusCode !== 200) return undefined;
      const page = JSON.parse(text) as unknown;
      if (!isPage(page)) return undefined;
      return { page, offsetMs: (page.nowEpochMs ?? wallNow) - (sentAt + receivedAt) / 2 };
    } catch {
      return undefined;
    }
  }
}

function isPage(value: unknown): value is Page {
  if (typeof value !== 'object' || value === null) return false;
  const page = value as Partial<Page>;
  return (
    typeof page.instance === 'string' &&
    typeof page.missed === 'number' &&
    (page.nowEpochMs === undefined || typeof page.nowEpochMs === 'number') &&
    Array.isArray(page.events) &&
    page.events.every(
      (e) =>
        typeof e.seq === 'number' &&
        typeof e.atEpochMs === 'number' &&
        typeof e.dependency === 'string' &&
        typeof e.from === 'string' &&
        typeof e.to === 'string',
    )
  );
}
