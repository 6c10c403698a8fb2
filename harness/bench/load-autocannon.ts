// A typed door to autocannon (a CommonJS devDependency without type declarations), the
// closed-loop reference of the load benchmark.
import { createRequire } from 'node:module';

export interface AutocannonOptions {
  url: string;
  /** Concurrent keep-alive connections (autocannon default 10). */
  connections: number;
  /** Seconds. */
  duration: number;
  /** Requests/s over all connections; unset = as fast as the connections allow (closed loop). */
  overallRate?: number;
  /** With overallRate: record raw latencies, without autocannon's coordinated-omission correction. */
  ignoreCoordinatedOmission?: boolean;
}

export interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

type Autocannon = (options: AutocannonOptions, done: (error: Error | null, result: AutocannonResult) => void) => unknown;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export function runAutocannon(options: AutocannonOptions): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}
