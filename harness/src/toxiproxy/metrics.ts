import type { LinkBytes } from './link/link.ts';
import type { AppliedCounter } from './proxy/active-toxic.ts';

/** Byte totals of one label set: Toxiproxy's `direction, listener, proxy, upstream`. */
export interface ByteSeries {
  readonly listener: string;
  readonly upstream: string;
  bytes: LinkBytes;
}

/** What one proxy contributes to /metrics. */
export interface ProxyMetrics {
  readonly proxy: string;
  connectionsTotal: number;
  connectionsActive: number;
  /** Closed links' bytes plus live links' bytes so far (updated live, at scrape time). */
  byteSeries: ByteSeries[];
  applied: readonly AppliedCounter[];
}

export const metricsContentType = 'text/plain; version=0.0.4; charset=utf-8';

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labels(pairs: Record<string, string>): string {
  return `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;
}

function family(lines: string[], name: string, type: 'counter' | 'gauge', help: string, samples: [Record<string, string>, number][]): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  for (const [pairs, value] of samples) lines.push(`${name}${labels(pairs)} ${value}`);
}

/** Renders the Prometheus text exposition of every proxy. */
export function renderMetrics(proxies: readonly ProxyMetrics[]): string {
  const lines: string[] = [];
  const bytes = (field: 'received' | 'sent'): [Record<string, string>, number][] =>
    proxies.flatMap((p) =>
      p.byteSeries.flatMap((s) =>
        (['downstream', 'upstream'] as const).map((direction): [Record<string, string>, number] => [
          { direction, listener: s.listener, proxy: p.proxy, upstream: s.upstream },
          s.bytes[direction][field],
        ]),
      ),
    );
  family(lines, 'toxiproxy_proxy_received_bytes_total', 'counter', 'The total bytes received from the source of each direction.', bytes('received'));
  family(lines, 'toxiproxy_proxy_sent_bytes_total', 'counter', 'The total bytes written to the destination of each direction.', bytes('sent'));
  family(
    lines,
    'toxiproxy_proxy_connections_total',
    'counter',
    'Client connections accepted.',
    proxies.map((p) => [{ proxy: p.proxy }, p.connectionsTotal]),
  );
  family(
    lines,
    'toxiproxy_proxy_connections_active',
    'gauge',
    'Client connections open now.',
    proxies.map((p) => [{ proxy: p.proxy }, p.connectionsActive]),
  );
  family(
    lines,
    'toxiproxy_toxic_applied_connections_total',
    'counter',
    'Connection directions a toxic was applied to (its toxicity roll succeeded).',
    proxies.flatMap((p) =>
      p.applied.map((a): [Record<string, string>, number] => [{ proxy: a.proxy, toxic: a.toxic, type: a.type, stream: a.stream }, a.count]),
    ),
  );
  return lines.join('\n') + '\n';
}
