import type { StackInfo } from '../model/events.ts';

/**
 * Prometheus service discovery for a local run. The services and the embedded Toxiproxy of a run
 * listen on ports chosen free when the run starts, so no static scrape config can name them; the
 * harness knows them (the `onStack` event) and serves them, with its own address, in the shape of
 * Prometheus's `http_sd_configs` (Prometheus ≥ 2.28):
 *
 *   scrape_configs:
 *     - job_name: faultline-run
 *       honor_labels: true
 *       http_sd_configs: [{ url: 'http://127.0.0.1:<metrics-port>/targets', refresh_interval: 1s }]
 *
 * Each group sets `job` to the name the compose stack's static jobs use (`services`, `toxiproxy`,
 * `faultline`), so the dashboards read both set-ups alike. The run's targets also carry `run_id`,
 * `scenario` and `profile`: they are listed only from the moment the run's system is up until it
 * is torn down, so every sample scraped through them was taken during that run (the compose
 * stack's statically scraped services carry no run labels: they outlive runs).
 */

/** One element of an http_sd response. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** The labels that tell runs apart, on every harness series and on a run's targets. */
export interface RunLabels {
  run_id: string;
  scenario: string;
  profile: string;
}

/** A scrape target of a base URL: `host:port`, plus the scheme when it is not http. */
function target(url: string): { address: string; scheme: string } {
  const parsed = new URL(url);
  return { address: parsed.host, scheme: parsed.protocol.replace(/:$/, '') };
}

function group(url: string, labels: Record<string, string>): TargetGroup {
  const { address, scheme } = target(url);
  // Every process faultline scrapes serves /metrics at the root (harness/src/metrics/scrape.ts).
  return { targets: [address], labels: { ...labels, ...(scheme === 'http' ? {} : { __scheme__: scheme }), __metrics_path__: '/metrics' } };
}

/** The targets of the run going on now, if any; what `/targets` serves. */
export class RunTargets {
  private current: { run: RunLabels; stack: StackInfo } | undefined;

  /** The run's system is up at these addresses. */
  announce(run: RunLabels, stack: StackInfo): void {
    this.current = { run, stack };
  }

  /** The run's system is gone (or a new run begins): list none of its targets any more. */
  retire(): void {
    this.current = undefined;
  }

  /** The http_sd response: the harness itself at `self` (`host:port` as the scraper reached it),
   * then the current run's services and Toxiproxy. */
  groups(self: string | undefined): TargetGroup[] {
    const groups: TargetGroup[] = self ? [group(`http://${self}`, { job: 'faultline' })] : [];
    if (!this.current) return groups;
    const { run, stack } = this.current;
    // Only HTTP services serve /metrics; a TCP one (a cache, the broker) is no scrape target.
    for (const service of stack.services.filter((s) => /^https?:/.test(s.url))) groups.push(group(service.url, { job: 'services', ...run }));
    groups.push(group(stack.toxiproxyUrl, { job: 'toxiproxy', ...run }));
    return groups;
  }
}
