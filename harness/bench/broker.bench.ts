// `npm run bench:broker [-- --seconds S] [--rounds R] [--rates 50,200] [--step-seconds T]
//   [--max-rate M] [--bound-ms B]`: the embedded aedes broker and a Mosquitto side by side in one
// run, each behind the embedded Toxiproxy as in a run (a proxy for the publisher's connection and
// one for the consumer's): (1) QoS 1 delivery latency publish → receive at the given rates,
// open loop from the scheduled send, R rounds with the brokers' order alternated, pooled in an
// HdrHistogram; (2) the sustained rate, a ladder of rates doubling from twice the highest of
// those, each step T seconds, until a step misses (dropped or lost messages, or p99 over B ms),
// then once at 1.5× the last step sustained. Progress on stderr, Markdown for
// docs/benchmarks.md on stdout with the verdict against the target (embedded p99 − Mosquitto p99
// ≤ 5 ms at every rate). Exit 0 when it is met, 1 when not, 130/143 on SIGINT/SIGTERM (every
// process and socket closed first). A quick run: --seconds 2 --rounds 2 --step-seconds 1 --max-rate 800.
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { MeasureResult } from './broker-client.ts';
import { startBrokerClient, type BrokerClientProcess } from './broker-process.ts';
import {
  ADDED_P99_TARGET_MS,
  LATENCY_HEADER,
  STEP_HEADER,
  latencyRow,
  latencyVerdict,
  stepRow,
  stepSustained,
  summarise,
  type LoopDelay,
} from './broker-report.ts';
import { startBrokerTargets, type BrokerTarget } from './broker-targets.ts';
import { fixed } from './proxy-stats.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '5' },
    rates: { type: 'string', default: '50,200' },
    'step-seconds': { type: 'string', default: '3' },
    'max-rate': { type: 'string', default: '32000' },
    'bound-ms': { type: 'string', default: '50' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const rates = values.rates.split(',').map(Number);
const stepSeconds = Number(values['step-seconds']);
const maxRate = Number(values['max-rate']);
const boundMs = Number(values['bound-ms']);
if (!(seconds > 0)) throw new Error(`--seconds expects the measured seconds per broker and rate (> 0), got ${values.seconds}`);
if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`--rounds expects an integer ≥ 1, got ${values.rounds}`);
if (!rates.every((r) => r > 0 && r <= 10_000)) throw new Error(`--rates expects messages per second in (0, 10000], comma-separated, got ${values.rates}`);
if (!(stepSeconds > 0)) throw new Error(`--step-seconds expects seconds > 0, got ${values['step-seconds']}`);
if (!(maxRate > 0)) throw new Error(`--max-rate expects messages per second > 0, got ${values['max-rate']}`);
if (!(boundMs > 0)) throw new Error(`--bound-ms expects ms > 0, got ${values['bound-ms']}`);

/** Publishes awaiting an acknowledgement at most (an arrival beyond is dropped: open model). */
const MAX_IN_FLIGHT = 1000;

// A signal stops the measurement under way; `finally` below closes every process and socket.
let stoppedBy: NodeJS.Signals | undefined;
const interrupted = new Promise<never>((_, reject) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      stoppedBy = signal;
      reject(new Error(`stopped by ${signal}`));
    });
});
interrupted.catch(() => undefined);

const started = performance.now();
const progress = (line: string) => process.stderr.write(`[${fixed((performance.now() - started) / 1000, 0)} s] ${line}\n`);
let topicSeq = 0;
/** This process's event-loop delay, probed every 10 ms during each measurement (what exceeds
 * the probe interval is delay): the embedded broker's own stalls, or the machine's. */
const loopProbeMs = 10;
const loopDelay = monitorEventLoopDelay({ resolution: loopProbeMs });
let lastLoopDelay: LoopDelay = { p99Ms: 0, maxMs: 0 };

async function measure(
  client: BrokerClientProcess,
  target: BrokerTarget,
  rate: number,
  measuredSeconds: number,
  options: { warmupSeconds: number; drainMs: number },
): Promise<MeasureResult> {
  const request = {
    publishUrl: target.publishUrl,
    subscribeUrl: target.subscribeUrl,
    topic: `bench/${target.name}/${rate}/${++topicSeq}`,
    rate,
    seconds: measuredSeconds,
    maxInFlight: MAX_IN_FLIGHT,
    ...options,
  };
  loopDelay.reset();
  loopDelay.enable();
  try {
    return await Promise.race([client.measure(request), interrupted]);
  } finally {
    loopDelay.disable();
    const beyond = (ns: number) => Math.max(0, ns / 1e6 - loopProbeMs);
    lastLoopDelay = { p99Ms: beyond(loopDelay.percentile(99)), maxMs: beyond(loopDelay.max) };
  }
}

/** Both brokers in turn, the order alternating with `index` so drift on the machine hits both alike. */
const inTurn = (targets: readonly BrokerTarget[], index: number) => (index % 2 === 0 ? [...targets] : [...targets].reverse());

const lines: string[] = [];
let met = false;
const loadAtStart = loadavg();
const brokers = await startBrokerTargets();
let client: BrokerClientProcess | undefined;
try {
  client = await startBrokerClient();
  const { targets } = brokers;
  progress(`brokers up: ${targets.map((t) => `${t.name} (${t.software})`).join(', ')}; each behind two proxies of the embedded Toxiproxy`);
  for (const target of targets) await measure(client, target, 200, 2, { warmupSeconds: 1, drainMs: 5000 });
  progress('warm-up done (2 s at 200/s through each broker)');

  // 1. Latency at the given rates.
  const perRound = seconds / rounds;
  const latency = new Map<number, Map<string, MeasureResult[]>>(rates.map((rate) => [rate, new Map(targets.map((t) => [t.name, []]))]));
  const loops = new Map<string, LoopDelay[]>();
  for (let round = 0; round < rounds; round++) {
    for (const rate of rates) {
      for (const target of inTurn(targets, round)) {
        const result = await measure(client, target, rate, perRound, { warmupSeconds: 1, drainMs: 5000 });
        latency.get(rate)!.get(target.name)!.push(result);
        loops.set(`${rate} ${target.name}`, [...(loops.get(`${rate} ${target.name}`) ?? []), lastLoopDelay]);
        const p99 = summarise([result]).p99Ms;
        progress(`latency round ${round + 1}/${rounds} ${rate}/s ${target.name}: ${result.received}/${result.sent} received, p99 ${fixed(p99)} ms`);
      }
    }
  }

  // 2. The sustained rate: a doubling ladder, then once between the last step sustained and the first missed.
  const ladder: string[] = [];
  const best = new Map<string, number>();
  const missedAt = new Map<string, number>();
  const step = async (target: BrokerTarget, rate: number): Promise<void> => {
    const result = await measure(client!, target, rate, stepSeconds, { warmupSeconds: 0.5, drainMs: 2000 });
    ladder.push(stepRow(target.name, rate, result, boundMs));
    const verdict = stepSustained(result, boundMs);
    if (verdict.sustained) best.set(target.name, Math.max(best.get(target.name) ?? 0, rate));
    else missedAt.set(target.name, Math.min(missedAt.get(target.name) ?? Infinity, rate));
    progress(`ladder ${target.name} ${rate}/s: ${verdict.sustained ? 'sustained' : `missed (${verdict.why!})`}`);
  };
  let index = 0;
  for (let rate = 2 * Math.max(...rates); rate <= maxRate; rate *= 2, index++) {
    const climbing = inTurn(targets, index).filter((t) => !missedAt.has(t.name));
    if (climbing.length === 0) break;
    for (const target of climbing) await step(target, rate);
  }
  for (const target of inTurn(targets, index)) {
    const between = Math.round((best.get(target.name) ?? 0) * 1.5);
    if (best.has(target.name) && missedAt.has(target.name) && between < missedAt.get(target.name)!) await step(target, between);
  }

  // The report.
  const cpu = cpus();
  const [embedded, mosquitto] = targets as [BrokerTarget, BrokerTarget];
  lines.push(
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}; brokers: ${embedded.software} (embedded, in this process), ${mosquitto.software} (its own process); load average at start ${fixed(loadAtStart[0]!)}, at the end ${fixed(loadavg()[0]!)}.`,
    '',
    `Delivery latency, QoS 1, publisher and consumer each through its own proxy; open loop, from the scheduled send; ${rounds} rounds × ${fixed(perRound, 1)} s per broker and rate after 1 s of warm-up each, order alternated; HdrHistogram of all rounds; loop delay: the worst round's:`,
    '',
    ...LATENCY_HEADER,
  );
  const verdicts: string[] = [];
  let allMet = true;
  /** The worst round's loop delay of one broker at one rate. */
  const loopOf = (rate: number, name: string): LoopDelay => {
    const all = loops.get(`${rate} ${name}`) ?? [];
    return { p99Ms: Math.max(0, ...all.map((l) => l.p99Ms)), maxMs: Math.max(0, ...all.map((l) => l.maxMs)) };
  };
  for (const rate of rates) {
    const [e, m] = [summarise(latency.get(rate)!.get('embedded')!), summarise(latency.get(rate)!.get('mosquitto')!)];
    lines.push(latencyRow(rate, embedded.software, e, loopOf(rate, 'embedded')), latencyRow(rate, mosquitto.software, m, loopOf(rate, 'mosquitto')));
    const verdict = latencyVerdict(e, m);
    allMet &&= verdict.met;
    verdicts.push(
      `| ${rate} | ${fixed(e.p99Ms)} − ${fixed(m.p99Ms)} = **${fixed(verdict.addedP99Ms)}** | ${fixed(verdict.medianRoundAddedP99Ms)} | ≤ ${ADDED_P99_TARGET_MS} ms, none lost | ${verdict.met ? 'met' : 'MISSED'} |`,
    );
  }
  const sustained = (name: string) => (best.has(name) ? `${best.get(name)}/s` : `below ${2 * Math.max(...rates)}/s`);
  lines.push(
    '',
    `Sustained rate: one publisher, one consumer, ${stepSeconds} s per step after 0.5 s of warm-up; sustained = every arrival sent (at most ${MAX_IN_FLIGHT} publishes unacknowledged), acknowledged and received within 2 s, p99 from the scheduled send ≤ ${boundMs} ms:`,
    '',
    ...STEP_HEADER,
    ...ladder,
    '',
    `Highest rate sustained: embedded **${sustained('embedded')}**, Mosquitto **${sustained('mosquitto')}**${missedAt.size < 2 ? ` (a broker that missed no step up to --max-rate ${maxRate} was not pushed further)` : ''}.`,
    '',
    '| msgs/s | embedded p99 − Mosquitto p99, pooled (ms) | median of the per-round differences (ms) | target (on the pooled p99) | |',
    '|---|---|---|---|---|',
    ...verdicts,
    '',
    `Whole run: ${fixed((performance.now() - started) / 1000, 0)} s.`,
  );
  met = allMet && (best.get('embedded') ?? 0) >= Math.max(...rates);
} catch (error) {
  if (!stoppedBy) throw error;
} finally {
  await client?.stop();
  await brokers.stop();
}
if (stoppedBy) {
  progress(`stopped by ${stoppedBy}: every process and socket closed`);
  process.exitCode = stoppedBy === 'SIGINT' ? 130 : 143;
} else {
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = met ? 0 : 1;
}
