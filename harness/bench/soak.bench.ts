// `npm run bench:soak -- --minutes 30 [--target proxy|services|both] [--window-minutes M]
//   [--sample-seconds S] [--rate R] [--seed N]`: drives the embedded Toxiproxy (and/or the five
// services under the resilient profile) with churning traffic and faults, samples every process
// in a quiet moment every 10 s (the services every 30 s: their idle pools take 6 s to close) —
// RSS, heap, fds, active handles, event-loop delay — and calls each series flat when its
// least-squares slope over the last 20 minutes (two thirds of a shorter soak) stays under its
// bound. Progress on stderr, Markdown for docs/benchmarks.md on stdout; exit 1 when a series is
// not flat.
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { judgedWindowMs } from './flatness.ts';
import { seededRandom } from './random.ts';
import { startProxySoak } from './soak-proxy.ts';
import { judgeSoak, soakBounds, soakTable, type SoakSeries } from './soak-report.ts';
import { startServicesSoak } from './soak-services.ts';
import type { SoakMetric, SoakTarget } from './soak-target.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    target: { type: 'string', default: 'both' },
    'window-minutes': { type: 'string' },
    'sample-seconds': { type: 'string' },
    rate: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
  },
});
const minutes = Number(values.minutes);
/** The proxy is quiet within a second; the services need ~6 s for their idle pools to close,
 * so they are sampled less often to keep the load on most of the time. */
const defaultSampleSeconds = { proxy: 10, services: 30 } as const;
const sampleMsFor = (target: 'proxy' | 'services') => Number(values['sample-seconds'] ?? defaultSampleSeconds[target]) * 1000;
const ratePerSec = Number(values.rate);
const windowMinutes = values['window-minutes'] === undefined ? undefined : Number(values['window-minutes']);
const seed = Number(values.seed);
if (!(minutes > 0)) throw new Error(`--minutes expects a duration > 0, got ${values.minutes}`);
if (!(sampleMsFor('proxy') >= 1000)) throw new Error(`--sample-seconds expects ≥ 1, got ${values['sample-seconds']}`);
if (!(ratePerSec > 0 && ratePerSec <= 500)) throw new Error(`--rate expects trips per second in (0, 500], got ${values.rate}`);
if (windowMinutes !== undefined && !(windowMinutes > 0 && windowMinutes <= minutes))
  throw new Error(`--window-minutes expects a duration in (0, --minutes], got ${values['window-minutes']}`);
if (!Number.isSafeInteger(seed)) throw new Error(`--seed expects an integer, got ${values.seed}`);
if (!['proxy', 'services', 'both'].includes(values.target)) throw new Error(`--target expects proxy, services or both, got ${values.target}`);
const targets = (values.target === 'both' ? ['proxy', 'services'] : [values.target]) as ('proxy' | 'services')[];
const windowMs = judgedWindowMs(minutes, windowMinutes);

let stopping = false;
const stopped = new Promise<void>((resolve) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      stopping = true;
      resolve();
    });
});

async function soak(target: SoakTarget, sampleMs: number): Promise<SoakSeries> {
  const series: SoakSeries = new Map();
  const started = performance.now();
  const endAt = started + minutes * 60_000;
  try {
    for (let next = started + sampleMs; !stopping; next += sampleMs) {
      // The first sample comes after one interval of churn: the state before any traffic is not
      // part of the steady state.
      await Promise.race([new Promise((r) => setTimeout(r, Math.max(0, next - performance.now()))), stopped]);
      if (stopping) break;
      const atMs = performance.now() - started;
      const sample = await target.sample();
      for (const [process, metrics] of Object.entries(sample)) {
        const byMetric = series.get(process) ?? new Map();
        series.set(process, byMetric);
        for (const [metric, value] of Object.entries(metrics) as [SoakMetric, number][]) {
          byMetric.set(metric, [...(byMetric.get(metric) ?? []), { atMs, value }]);
        }
      }
      const brief = Object.entries(sample)
        .map(
          ([p, m]) => `${p} rss ${m.rss?.toFixed(1)} MB heap ${m.heap?.toFixed(1)} MB fds ${m.fds} handles ${m.handles} loop p99 ${m.loopP99?.toFixed(1)} ms`,
        )
        .join('; ');
      console.error(`[${target.name} ${(atMs / 60_000).toFixed(1)}/${minutes} min] ${brief} | ${target.activity()}`);
      if (next + sampleMs > endAt + 1) break;
    }
  } finally {
    await target.stop();
  }
  return series;
}

const random = seededRandom(seed);
const cpu = cpus();
const started = performance.now();
const lines: string[] = [];
let allFlat = true;
for (const name of targets) {
  if (stopping) break;
  const target =
    name === 'proxy'
      ? await startProxySoak(random, { toxicEveryMs: 100, concurrency: 8 })
      : await startServicesSoak(random, { faultEveryMs: 3000, ratePerSec });
  const series = await soak(target, sampleMsFor(name));
  const rows = judgeSoak(series, windowMs);
  allFlat &&= rows.length > 0 && rows.every((r) => r.flat);
  lines.push(
    `### ${name === 'proxy' ? 'Embedded Toxiproxy' : 'The five services (resilient profile)'}`,
    '',
    `Churn: ${target.activity()}; sampled every ${sampleMsFor(name) / 1000} s.`,
    '',
    ...soakTable(rows),
    '',
  );
}
lines.unshift(
  `Command: \`npm run bench:soak -- --minutes ${minutes} --target ${values.target}${windowMinutes === undefined ? '' : ` --window-minutes ${windowMinutes}`}${values['sample-seconds'] === undefined ? '' : ` --sample-seconds ${values['sample-seconds']}`}${values.rate === '30' ? '' : ` --rate ${values.rate}`}\`; machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average at the end ${loadavg()[0]!.toFixed(2)}; wall time ${((performance.now() - started) / 60_000).toFixed(1)} min; slope over the last ${(windowMs / 60_000).toFixed(1)} min; bounds per minute: ${Object.values(
    soakBounds,
  )
    .map((b) => `${b.metric} ${b.maxSlopePerMin} ${b.unit}`)
    .join(', ')}.`,
  '',
);
process.stdout.write(`${lines.join('\n')}\n`);
process.exitCode = stopping ? 130 : allFlat ? 0 : 1;
