// One process of the proxy benchmark, chosen by --role:
//   http      the HTTP server behind every path: `/` answers "ok", `/bulk` 1 MiB (keep-alive)
//   pipe      a bare Node pass-through (socket.pipe both ways) to --upstream: the yardstick
//   hold      a minimal Node proxy that holds every downstream chunk 100 ms (one timer per
//             connection, re-armed on the monotonic clock): the yardstick for latency fidelity
//   faultline the embedded Toxiproxy with one proxy to --upstream (no toxic until asked)
// Each reports its port over IPC and answers 'cpu' with its process.cpuUsage(), so the parent
// can charge CPU time to the hop alone, and 'probe-start' / 'probe' with how it fared meanwhile.
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startToxiproxy } from '../src/toxiproxy/index.ts';
import type { ProcessProbe } from './proxy-process.ts';

const { values } = parseArgs({ options: { role: { type: 'string' }, upstream: { type: 'string', default: '' } } });
const [upstreamHost, upstreamPort] = values.upstream!.split(':');

// A probe of this process while a measurement runs, so that a slow tail can be told apart: this
// process stalled (event-loop delay, garbage-collection pauses), or something else did. The
// loop-delay probe is coarse (20 ms) and only on when asked, so it barely changes the loop.
const probeIntervalMs = 20;
const loopDelay = monitorEventLoopDelay({ resolution: probeIntervalMs });
let gcPausesMs: number[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPausesMs.push(entry.duration);
});
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (message === 'probe-start') {
    loopDelay.reset();
    loopDelay.enable();
    gcPausesMs = [];
    gcObserver.observe({ entryTypes: ['gc'] });
    process.send?.({ probeStarted: true });
  }
  if (message === 'probe') {
    loopDelay.disable();
    gcObserver.disconnect();
    // The histogram holds the whole interval between two probes: the delay is what exceeds it.
    const beyond = (ns: number): number => Math.max(0, ns / 1e6 - probeIntervalMs);
    const probe: ProcessProbe = {
      loopDelayP99Ms: beyond(loopDelay.percentile(99)),
      loopDelayMaxMs: beyond(loopDelay.max),
      gcPauses: gcPausesMs.length,
      gcMaxMs: Math.max(0, ...gcPausesMs),
      gcTotalMs: gcPausesMs.reduce((sum, ms) => sum + ms, 0),
    };
    process.send?.({ probe });
  }
});
process.on('disconnect', () => process.exit(0));

const bulk = Buffer.alloc(1024 * 1024, 7);

async function start(): Promise<{ port: number; api?: string }> {
  if (values.role === 'http') {
    const server = createHttpServer((request, response) => {
      if (request.url === '/bulk') response.end(bulk);
      else response.end('ok');
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port };
  }
  // The bare pipe and the hold yardstick differ only in how the server's bytes come back.
  if (values.role === 'pipe') return bareProxy((upstream, client) => upstream.pipe(client));
  if (values.role === 'hold') return bareProxy((upstream, client) => holdDownstream(upstream, client, 100));
  const toxiproxy = await startToxiproxy({ port: 0, seed: 1 });
  const answer = await fetch(`${toxiproxy.url}/proxies`, {
    method: 'POST',
    body: JSON.stringify({ name: 'bench', listen: '127.0.0.1:0', upstream: values.upstream }),
  });
  const { listen } = (await answer.json()) as { listen: string };
  return { port: Number(listen.split(':')[1]), api: toxiproxy.url };
}

/** A minimal Node proxy to --upstream: client bytes piped up, `downstream` wires the way back. */
async function bareProxy(downstream: (upstream: Socket, client: Socket) => void): Promise<{ port: number }> {
  const server = createServer({ noDelay: true }, (client: Socket) => {
    const upstream = connect({ host: upstreamHost, port: Number(upstreamPort), noDelay: true });
    client.pipe(upstream);
    downstream(upstream, client);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port };
}

/** Forwards `source` to `sink`, each chunk `delayMs` after it was read; no backpressure (a yardstick). */
function holdDownstream(source: Socket, sink: Socket, delayMs: number): void {
  const held: { data: Buffer; releaseAtMs: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const release = (): void => {
    timer = undefined;
    const now = performance.now();
    while (held.length > 0 && held[0]!.releaseAtMs <= now) sink.write(held.shift()!.data);
    if (held.length > 0) timer = setTimeout(release, Math.ceil(held[0]!.releaseAtMs - now));
    else if (ended) sink.end();
  };
  source.on('data', (data: Buffer) => {
    held.push({ data, releaseAtMs: performance.now() + delayMs });
    timer ??= setTimeout(release, delayMs);
  });
  source.on('end', () => {
    ended = true;
    if (held.length === 0) sink.end();
  });
  sink.on('close', () => clearTimeout(timer));
}

const ready = await start();
process.send?.(ready);
