// `npm run bench:proxy`: faultline's embedded proxy against a bare Node pass-through and a direct
// connection, side by side in one run (alternating order, several rounds, medians), then the
// latency toxic's fidelity under open-loop load. Prints Markdown for docs/benchmarks.md.
import { cpus } from 'node:os';
import { bulkMegabytesPerSecond, closedLoop, openLoop } from './proxy-load.ts';
import { PerformanceObserver } from 'node:perf_hooks';
import { startBenchProcess, type BenchProcess, type ProcessProbe } from './proxy-process.ts';
import { fixed, median, quantile } from './proxy-stats.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const throughputMs = Number(process.env.BENCH_THROUGHPUT_MS ?? 2000);
const singleMs = 1500;
// 200 MiB per measurement: at 20 MiB (tens of milliseconds) the figure swung ±40 % on this VM.
const bulkCount = 200;
const fidelityMs = 4000;
const fidelityRounds = Number(process.env.BENCH_FIDELITY_ROUNDS ?? 5);

interface Sample {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  oneConnP50Ms: number;
  megabytesPerSec: number;
  /** CPU µs per request of the hop's process (the HTTP server's for `direct`). */
  cpuMicrosPerRequest: number;
}

interface Target {
  name: 'direct' | 'bare pipe' | 'faultline';
  url: string;
  /** Whose CPU is charged: the hop, or the server for direct. */
  charged: BenchProcess;
  samples: Sample[];
}

async function measure(target: Target): Promise<Sample> {
  await closedLoop(target.url, 10, 500); // warm-up (JIT, connections)
  const cpuBefore = await target.charged.cpuMicros();
  const load = await closedLoop(target.url, 10, throughputMs);
  const cpuAfter = await target.charged.cpuMicros();
  const single = await closedLoop(target.url, 1, singleMs);
  const megabytesPerSec = await bulkMegabytesPerSecond(target.url, bulkCount);
  return {
    reqPerSec: (load.requests / load.elapsedMs) * 1000,
    p50Ms: quantile(load.latenciesMs, 0.5),
    p99Ms: quantile(load.latenciesMs, 0.99),
    oneConnP50Ms: quantile(single.latenciesMs, 0.5),
    megabytesPerSec,
    cpuMicrosPerRequest: (cpuAfter - cpuBefore) / load.requests,
  };
}

function summary(target: Target): Sample {
  const of = (pick: (s: Sample) => number): number => median(target.samples.map(pick));
  return {
    reqPerSec: of((s) => s.reqPerSec),
    p50Ms: of((s) => s.p50Ms),
    p99Ms: of((s) => s.p99Ms),
    oneConnP50Ms: of((s) => s.oneConnP50Ms),
    megabytesPerSec: of((s) => s.megabytesPerSec),
    cpuMicrosPerRequest: of((s) => s.cpuMicrosPerRequest),
  };
}

async function toxic(api: string, method: 'POST' | 'DELETE', body?: unknown): Promise<void> {
  const path = method === 'POST' ? '/proxies/bench/toxics' : '/proxies/bench/toxics/latency_downstream';
  const answer = await fetch(`${api}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!answer.ok) throw new Error(`toxic ${method} failed: ${answer.status} ${await answer.text()}`);
}

/** One open-loop run through a 100 ms hold: what the client saw and how the hop's process fared. */
interface FidelitySample {
  requests: number;
  minMs: number;
  /** Response time minus 100 ms minus the baseline p50 (the path's own cost without the hold). */
  overP50Ms: number;
  overP99Ms: number;
  overP999Ms: number;
  hop: ProcessProbe;
  loadGcMaxMs: number;
}

/** Garbage-collection pauses of this process (the load generator) while `run` runs. */
async function withLoadGc<T>(run: () => Promise<T>): Promise<[T, number]> {
  const pausesMs: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pausesMs.push(entry.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  try {
    return [await run(), Math.max(0, ...pausesMs)];
  } finally {
    observer.disconnect();
  }
}

async function fidelitySample(hop: BenchProcess, rate: number, baseP50Ms: number): Promise<FidelitySample> {
  await hop.startProbe();
  const [load, loadGcMaxMs] = await withLoadGc(() => openLoop(hop.url, rate, fidelityMs, fidelityConnections(rate)));
  const probe = await hop.probe();
  const over = (q: number): number => quantile(load.latenciesMs, q) - 100 - baseP50Ms;
  return {
    requests: load.requests,
    minMs: Math.min(...load.latenciesMs),
    overP50Ms: over(0.5),
    overP99Ms: over(0.99),
    overP999Ms: over(0.999),
    hop: probe,
    loadGcMaxMs,
  };
}

function fidelityConnections(rate: number): number {
  return Math.ceil(rate * 0.15) + 20;
}

/**
 * Latency fidelity at one rate: faultline's latency toxic (100 ms, jitter 0, downstream) and the
 * hold yardstick (a minimal Node proxy holding each chunk 100 ms), alternating over several
 * rounds against the same load generator and server. The yardstick shows what the machine and a
 * Node process allow at all; the targets are absolute.
 */
async function fidelity(ours: BenchProcess, hold: BenchProcess, rate: number): Promise<string[]> {
  const base = await openLoop(ours.url, rate, fidelityMs, fidelityConnections(rate));
  const baseP50Ms = quantile(base.latenciesMs, 0.5);
  await toxic(ours.api!, 'POST', { type: 'latency', attributes: { latency: 100, jitter: 0 } });
  const samples: Record<'faultline' | 'hold', FidelitySample[]> = { faultline: [], hold: [] };
  try {
    for (let round = 0; round < fidelityRounds; round++) {
      const order = round % 2 === 0 ? (['faultline', 'hold'] as const) : (['hold', 'faultline'] as const);
      for (const name of order) samples[name].push(await fidelitySample(name === 'faultline' ? ours : hold, rate, baseP50Ms));
    }
  } finally {
    await toxic(ours.api!, 'DELETE');
  }
  const rows: string[] = [];
  for (const name of ['faultline', 'hold'] as const) {
    const runs = samples[name];
    const of = (pick: (s: FidelitySample) => number): number => median(runs.map(pick));
    const each = (pick: (s: FidelitySample) => number): string => runs.map((s) => fixed(pick(s))).join(', ');
    const path = name === 'faultline' ? 'faultline latency toxic' : 'hold yardstick';
    rows.push(
      `| ${rate} | ${path} | ${runs.length} × ${runs[0]!.requests} | ${fixed(Math.min(...runs.map((s) => s.minMs)))} | ${fixed(of((s) => s.overP50Ms))} | **${fixed(of((s) => s.overP99Ms))}** (${each((s) => s.overP99Ms)}) | ${fixed(of((s) => s.overP999Ms))} | ${fixed(
        of((s) => s.hop.gcMaxMs),
        1,
      )} / ${fixed(
        of((s) => s.hop.gcTotalMs),
        0,
      )} | ${fixed(
        of((s) => s.hop.loopDelayP99Ms),
        1,
      )} / ${fixed(
        of((s) => s.hop.loopDelayMaxMs),
        1,
      )} | ${fixed(
        of((s) => s.loadGcMaxMs),
        1,
      )} |`,
    );
  }
  const ourRuns = samples.faultline;
  const neverEarly = Math.min(...ourRuns.map((s) => s.minMs)) >= 100;
  const p50 = median(ourRuns.map((s) => s.overP50Ms));
  const p99 = median(ourRuns.map((s) => s.overP99Ms));
  verdicts.push(
    `| ${rate} | never below 100 ms: ${neverEarly ? 'met' : 'MISSED'} | p50 over ≤ 1 ms: ${fixed(p50)} ${p50 <= 1 ? 'met' : 'MISSED'} | p99 over ≤ 3 ms: ${fixed(p99)} ${p99 <= 3 ? 'met' : 'MISSED'} |`,
  );
  return rows;
}

const verdicts: string[] = [];

const startedAt = Date.now();
const http = await startBenchProcess('http');
const upstream = http.url.replace('http://', '');
const pipe = await startBenchProcess('pipe', upstream);
const ours = await startBenchProcess('faultline', upstream);
const hold = await startBenchProcess('hold', upstream);
try {
  const targets: Target[] = [
    { name: 'direct', url: http.url, charged: http, samples: [] },
    { name: 'bare pipe', url: pipe.url, charged: pipe, samples: [] },
    { name: 'faultline', url: ours.url, charged: ours, samples: [] },
  ];
  // Warm every path up first (JIT, connection pools, socket buffers): the first transfers through
  // a fresh process cost several times the steady state, and that is not what we compare.
  for (const target of targets) {
    await closedLoop(target.url, 10, 1000);
    await bulkMegabytesPerSecond(target.url, 40);
  }
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so that drift on a shared machine does not favour one target.
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const target of order) target.samples.push(await measure(target));
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
  const [direct, bare, faultline] = targets.map(summary) as [Sample, Sample, Sample];
  const added = (s: Sample): number => s.oneConnP50Ms - direct.oneConnP50Ms;

  const lines: string[] = [];
  lines.push(`Machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}.`);
  lines.push(
    `Rounds: ${rounds} (order alternated), medians shown; ${throughputMs / 1000} s at 10 connections, ${singleMs / 1000} s on 1 connection, ${bulkCount} × 1 MiB per round and target.`,
  );
  lines.push('');
  lines.push('| path | req/s (10 conns) | p50 ms | p99 ms | 1-conn p50 ms | added p50 µs | MB/s (1 MiB) | CPU µs/req of the hop |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const [name, s] of [
    ['direct', direct],
    ['bare pipe', bare],
    ['faultline', faultline],
  ] as const) {
    const addedText = name === 'direct' ? '—' : fixed(added(s) * 1000, 0);
    const cpuText = name === 'direct' ? `(server: ${fixed(s.cpuMicrosPerRequest, 1)})` : fixed(s.cpuMicrosPerRequest, 1);
    lines.push(
      `| ${name} | ${fixed(s.reqPerSec, 0)} | ${fixed(s.p50Ms)} | ${fixed(s.p99Ms)} | ${fixed(s.oneConnP50Ms, 3)} | ${addedText} | ${fixed(s.megabytesPerSec, 0)} | ${cpuText} |`,
    );
  }
  lines.push('');
  // Ratios per round (faultline and the bare pipe measured back to back), then their median:
  // drift on a shared machine moves both sides of a ratio together.
  const perRound = (pick: (ours: Sample, bare: Sample, direct: Sample) => number): number =>
    median(targets[2]!.samples.map((s, i) => pick(s, targets[1]!.samples[i]!, targets[0]!.samples[i]!)));
  const addedOf = (s: Sample, d: Sample): number => s.oneConnP50Ms - d.oneConnP50Ms;
  const rows: [string, number, string, boolean][] = [
    ['req/s', perRound((o, b) => o.reqPerSec / b.reqPerSec), '≥ 0.9', true],
    ['added p50 (1 conn)', perRound((o, b, d) => addedOf(o, d) / addedOf(b, d)), '≤ 1.5', false],
    ['CPU per request', perRound((o, b) => o.cpuMicrosPerRequest / b.cpuMicrosPerRequest), '≤ 1.3', false],
    ['bulk MB/s', perRound((o, b) => o.megabytesPerSec / b.megabytesPerSec), '≥ 0.9', true],
  ];
  lines.push('| ratio faultline / bare pipe (median of per-round ratios) | value | target | |');
  lines.push('|---|---|---|---|');
  for (const [name, value, target, atLeast] of rows) {
    const limit = Number(target.slice(2));
    const met = atLeast ? value >= limit : value <= limit;
    lines.push(`| ${name} | ${fixed(value)} | ${target} | ${met ? 'met' : 'MISSED'} |`);
  }
  lines.push('');
  lines.push(
    `Latency fidelity (latency 100 ms, jitter 0, downstream), open loop ${fidelityMs / 1000} s after 1 s warm-up, ${fidelityRounds} rounds alternating with the hold yardstick; ` +
      '"over" = response time − 100 ms − the p50 through faultline without the toxic; medians of the rounds (each round\'s p99 in brackets):',
  );
  lines.push('');
  lines.push(
    '| req/s | path | rounds × requests | min response ms | p50 over ms | p99 over ms | p99.9 over ms | hop GC pause max / total ms | hop event-loop delay p99 / max ms | load generator GC pause max ms |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const rate of [500, 2000]) lines.push(...(await fidelity(ours, hold, rate)));
  lines.push('');
  lines.push('| req/s | targets (faultline, medians of the rounds) | | |');
  lines.push('|---|---|---|---|');
  lines.push(...verdicts);
  lines.push('');
  lines.push(`Whole run: ${fixed((Date.now() - startedAt) / 1000, 0)} s.`);
  process.stdout.write(lines.join('\n') + '\n');
} finally {
  await Promise.all([hold.stop(), ours.stop(), pipe.stop(), http.stop()]);
}
