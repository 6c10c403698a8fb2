// `npm run bench:proxy`: faultline's embedded proxy against a bare Node pass-through and a direct
// connection, side by side in one run (alternating order, several rounds, medians), then the
// latency toxic's fidelity under open-loop load. Prints Markdown for docs/benchmarks.md.
import { cpus } from 'node:os';
import { bulkMegabytesPerSecond, closedLoop, openLoop } from './proxy-load.ts';
import { startBenchProcess, type BenchProcess } from './proxy-process.ts';
import { fixed, median, quantile } from './proxy-stats.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const throughputMs = Number(process.env.BENCH_THROUGHPUT_MS ?? 2000);
const singleMs = 1500;
const bulkCount = 20;
const fidelityMs = 4000;

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
  const answer = await fetch(`${api}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!answer.ok) throw new Error(`toxic ${method} failed: ${answer.status} ${await answer.text()}`);
}

async function fidelity(target: Target, api: string, rate: number): Promise<string> {
  const connections = Math.ceil(rate * 0.15) + 20;
  const base = await openLoop(target.url, rate, fidelityMs, connections);
  await toxic(api, 'POST', { type: 'latency', attributes: { latency: 100, jitter: 0 } });
  await target.charged.startLoopDelay();
  const slow = await openLoop(target.url, rate, fidelityMs, connections);
  const proxyLoop = await target.charged.loopDelayMs();
  await toxic(api, 'DELETE');
  const baseP50 = quantile(base.latenciesMs, 0.5);
  const added = slow.latenciesMs.map((ms) => ms - baseP50);
  const achieved = (slow.requests / fidelityMs) * 1000;
  const baseP99 = quantile(base.latenciesMs, 0.99);
  // The last column compares tails: p99 with the toxic against 100 ms + p99 without it, so the
  // load generator's and the machine's own tail is not charged to the toxic.
  const tailExcess = quantile(slow.latenciesMs, 0.99) - 100 - baseP99;
  return `| ${rate} | ${slow.requests} (${fixed(achieved, 0)}/s) | ${fixed(baseP50)} / ${fixed(baseP99)} | ${fixed(Math.min(...slow.latenciesMs))} | ${fixed(quantile(added, 0.5))} | ${fixed(quantile(added, 0.99))} | ${fixed(quantile(added, 0.5) - 100)} | ${fixed(quantile(added, 0.99) - 100)} | ${fixed(tailExcess)} | ${fixed(proxyLoop.p99, 1)} / ${fixed(proxyLoop.max, 1)} |`;
}

const startedAt = Date.now();
const http = await startBenchProcess('http');
const upstream = http.url.replace('http://', '');
const pipe = await startBenchProcess('pipe', upstream);
const ours = await startBenchProcess('faultline', upstream);
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
  lines.push(`Rounds: ${rounds} (order alternated), medians shown; ${throughputMs / 1000} s at 10 connections, ${singleMs / 1000} s on 1 connection, ${bulkCount} × 1 MiB per round and target.`);
  lines.push('');
  lines.push('| path | req/s (10 conns) | p50 ms | p99 ms | 1-conn p50 ms | added p50 µs | MB/s (1 MiB) | CPU µs/req of the hop |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const [name, s] of [['direct', direct], ['bare pipe', bare], ['faultline', faultline]] as const) {
    const addedText = name === 'direct' ? '—' : fixed(added(s) * 1000, 0);
    const cpuText = name === 'direct' ? `(server: ${fixed(s.cpuMicrosPerRequest, 1)})` : fixed(s.cpuMicrosPerRequest, 1);
    lines.push(`| ${name} | ${fixed(s.reqPerSec, 0)} | ${fixed(s.p50Ms)} | ${fixed(s.p99Ms)} | ${fixed(s.oneConnP50Ms, 3)} | ${addedText} | ${fixed(s.megabytesPerSec, 0)} | ${cpuText} |`);
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
  lines.push(`Latency fidelity (latency 100 ms, jitter 0, downstream; open loop, ${fidelityMs / 1000} s after 1 s warm-up; "added" = response time − baseline p50 without the toxic):`);
  lines.push('');
  lines.push('| req/s | requests | baseline p50 / p99 ms | min response ms | added p50 ms | added p99 ms | p50 over 100 ms | p99 over 100 ms | p99 over 100 ms + baseline p99 | proxy event-loop delay p99 / max ms |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const rate of [500, 2000]) lines.push(await fidelity(targets[2]!, ours.api!, rate));
  lines.push('');
  lines.push(`Whole run: ${fixed((Date.now() - startedAt) / 1000, 0)} s.`);
  process.stdout.write(lines.join('\n') + '\n');
} finally {
  await Promise.all([ours.stop(), pipe.stop(), http.stop()]);
}
