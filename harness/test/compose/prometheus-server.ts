import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Prometheus (Debian's `prometheus` package, /usr/bin/prometheus) for tests: on a free
 * loopback port, with a throw-away TSDB and a generated config, stopped (and waited for) by
 * `stop`. The dashboards' queries are executed through its HTTP API, so what Grafana would show is
 * what Prometheus really answers — PromQL syntax, label matching and the scraped names included.
 */

export const prometheusBinary = '/usr/bin/prometheus';

export interface PrometheusServer {
  url: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited; removes the temp dir.
   * Idempotent. */
  stop(): Promise<void>;
}

/** One sample stream of a query_range answer. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** A port nobody listens on right now (bound on loopback, then released for Prometheus). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited(child)) throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`prometheus not ready within ${timeoutMs} ms:\n${log()}`);
}

/** Starts Prometheus with `config` (YAML text). Throws, naming the fix, when it is not installed. */
export async function startPrometheus(config: string): Promise<PrometheusServer> {
  if (!existsSync(prometheusBinary))
    throw new Error(`${prometheusBinary} is missing: install Debian's prometheus package (apt-get install -y prometheus); .ci/run does`);
  const dir = mkdtempSync(join(tmpdir(), 'faultline-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    prometheusBinary,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-4000)));
  const gone = new Promise<void>((resolve) => (exited(child) ? resolve() : child.once('exit', () => resolve())));
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (!exited(child)) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    })());
  try {
    await waitReady(url, child, () => log, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, process: child, stop };
}

/** `GET /api/v1/query_range`; throws with Prometheus's error text on a bad query. */
export async function queryRange(url: string, expr: string, range: { start: number; end: number; stepSeconds: number }): Promise<RangeSeries[]> {
  const params = new URLSearchParams({ query: expr, start: String(range.start), end: String(range.end), step: `${range.stepSeconds}s` });
  const body = (await (await fetch(`${url}/api/v1/query_range?${params}`)).json()) as { status: string; error?: string; data?: { result: RangeSeries[] } };
  if (body.status !== 'success') throw new Error(`query failed: ${body.error ?? body.status}\n${expr}`);
  return body.data!.result;
}

/** `GET /api/v1/label/<label>/values?match[]=…`: what Grafana's `label_values(series, label)` lists. */
export async function labelValues(url: string, label: string, match: string, range: { start: number; end: number }): Promise<string[]> {
  const params = new URLSearchParams({ 'match[]': match, start: String(range.start), end: String(range.end) });
  const body = (await (await fetch(`${url}/api/v1/label/${label}/values?${params}`)).json()) as { status: string; error?: string; data?: string[] };
  if (body.status !== 'success') throw new Error(`label values failed: ${body.error ?? body.status}\n${match}`);
  return body.data!;
}
