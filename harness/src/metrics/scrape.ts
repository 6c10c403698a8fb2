import { PoolsByOrigin } from './pools.ts';
import type { MetricSample, Scrape } from '../model/recording.ts';
import { parsePrometheusText } from './parse.ts';

/**
 * Series analysis never reads: histogram buckets (quantiles come from the client side) and the
 * default process/runtime metrics — except the process start time, by which analysis tells a
 * restarted service. Dropping them at scrape time keeps a minute-long recording small.
 */
function keep(sample: MetricSample): boolean {
  if (sample.name === 'process_start_time_seconds') return true;
  return !sample.name.endsWith('_bucket') && !sample.name.startsWith('process_') && !sample.name.startsWith('nodejs_');
}

export interface ScrapeTarget {
  service: string;
  url: string;
}

export interface ScraperOptions {
  targets: () => readonly ScrapeTarget[];
  intervalMs: number;
  /** Monotonic ms of t = 0; scrape times are recorded relative to it. */
  originMs: number;
  now?: () => number;
  /** Also run at every tick, beside the scrapes (the breaker events are read here). */
  onTick?: () => Promise<void>;
}

/** Scrapes every service's /metrics on a fixed interval into Scrape records. */
export class Scraper {
  readonly scrapes: Scrape[] = [];
  private readonly pools = new PoolsByOrigin();
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ScraperOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
  }

  /** One scrape of every target now (also used for the final scrape). */
  async tick(): Promise<void> {
    await Promise.all([...this.options.targets().map((t) => this.scrapeOne(t)), this.options.onTick?.()]);
  }

  private async scrapeOne(target: ScrapeTarget): Promise<void> {
    // A slow scrape is skipped rather than stacked: the next tick tries again.
    if (this.busy.has(target.service)) return;
    this.busy.add(target.service);
    const atMs = this.now() - this.options.originMs;
    try {
      const timeout = Math.max(500, this.options.intervalMs);
      const response = await this.pools.get(target.url).request({ path: '/metrics', method: 'GET', headersTimeout: timeout, bodyTimeout: timeout });
      const text = await response.body.text();
      const series = response.statusCode === 200 ? parsePrometheusText(text).filter(keep) : [];
      this.scrapes.push({ atMs, service: target.service, up: response.statusCode === 200, series });
    } catch {
      this.scrapes.push({ atMs, service: target.service, up: false, series: [] });
    } finally {
      this.busy.delete(target.service);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pools.close();
  }
}
