import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FaultlineError } from '../errors.ts';
import type { Reporter } from './reporter.ts';

/**
 * The harness's own Prometheus exposition: what a run is doing right now, for Grafana's
 * "faultline — run" dashboard. Fed by run events only (a reporter like the console one), so it
 * computes nothing analysis should.
 */
export interface HarnessMetrics {
  registry: Registry;
  requests: Counter<'scenario' | 'outcome'>;
  requestDuration: Histogram<'scenario'>;
  faultActive: Gauge<'scenario' | 'fault'>;
  sloPassed: Gauge<'scenario' | 'slo'>;
}

/** Outcomes of `faultline_requests_total`: `ok` = sent minus errors; `dropped` were never sent. */
export const requestOutcomes = ['ok', 'error', 'dropped'] as const;

const durationBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createHarnessMetrics(): HarnessMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'faultline_requests_total',
      help: 'Load requests of the run, by outcome (ok, error, dropped = not sent, in-flight cap reached).',
      labelNames: ['scenario', 'outcome'],
      registers,
    }),
    // Every response, observed when its second ends (live progress carries each second's
    // latencies), measured from the scheduled send like every latency faultline reports.
    requestDuration: new Histogram({
      name: 'faultline_request_duration_seconds',
      help: 'Latency of each load response (errors included), from its scheduled send time.',
      labelNames: ['scenario'],
      buckets: durationBucketsSeconds,
      registers,
    }),
    faultActive: new Gauge({
      name: 'faultline_fault_active',
      help: 'Whether a planned fault is applied right now (1) or not (0).',
      labelNames: ['scenario', 'fault'],
      registers,
    }),
    sloPassed: new Gauge({
      name: 'faultline_slo_passed',
      help: 'Verdict of each SLO of the last finished run of a scenario: 1 met, 0 missed.',
      labelNames: ['scenario', 'slo'],
      registers,
    }),
  };
}

/** A run-events reporter that keeps `metrics` current; the scenario label comes from onPlan,
 * so one reporter serves several runs in a row (`--all`). */
export function createMetricsReporter(metrics: HarnessMetrics): Reporter {
  let scenario = 'unknown';
  return {
    name: 'exposition',
    onPlan: (info) => {
      scenario = info.scenario;
      // Every series exists from the start, so rate() and the fault timeline begin at 0.
      for (const outcome of requestOutcomes) metrics.requests.labels({ scenario, outcome }).inc(0);
      metrics.requestDuration.zero({ scenario });
      for (const fault of info.faults) metrics.faultActive.labels({ scenario, fault: fault.id }).set(0);
    },
    onSecond: (s) => {
      metrics.requests.labels({ scenario, outcome: 'ok' }).inc(Math.max(0, s.reqPerSec - s.errors));
      metrics.requests.labels({ scenario, outcome: 'error' }).inc(s.errors);
      metrics.requests.labels({ scenario, outcome: 'dropped' }).inc(s.dropped);
      if (s.latenciesMs && s.latenciesMs.length > 0) {
        const histogram = metrics.requestDuration.labels({ scenario });
        for (let i = 0; i < s.latenciesMs.length; i++) histogram.observe(s.latenciesMs[i]! / 1000);
      }
    },
    onFault: (e) => {
      // A failed apply leaves the fault off; a failed remove leaves it on (it may still hold).
      if (e.error) return;
      metrics.faultActive.labels({ scenario, fault: e.id }).set(e.action === 'apply' ? 1 : 0);
    },
    onResult: (result) => {
      const name = result.scenario.name;
      for (const fault of result.faults) metrics.faultActive.labels({ scenario: name, fault: fault.id }).set(0);
      for (const slo of result.slos) metrics.sloPassed.labels({ scenario: name, slo: slo.name }).set(slo.passed ? 1 : 0);
    },
  };
}

export interface MetricsServerOptions {
  /** Port to listen on; 0 = any free port. */
  port: number;
  /** Address to bind. Default `127.0.0.1` (loopback only); `0.0.0.0` inside a container. */
  host?: string;
}

export interface MetricsServer {
  /** e.g. `http://127.0.0.1:9464/metrics`. */
  url: string;
  port: number;
  /** Stops listening and drops idle keep-alive connections; resolves when closed. Idempotent. */
  close(): Promise<void>;
}

/** Serves `registry` at `GET /metrics` (any other path: 404). */
export async function serveMetrics(registry: Registry, options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new FaultlineError('FL_ENVIRONMENT', `cannot serve harness metrics on ${host}:${options.port}: ${error.message}; choose another --metrics-port`)),
    );
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
