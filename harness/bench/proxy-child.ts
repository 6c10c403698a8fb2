// One process of the proxy benchmark, chosen by --role:
//   http      the HTTP server behind every path: `/` answers "ok", `/bulk` 1 MiB (keep-alive)
//   pipe      a bare Node pass-through (socket.pipe both ways) to --upstream: the yardstick
//   faultline the embedded Toxiproxy with one proxy to --upstream (no toxic until asked)
// Each reports its port over IPC and answers 'cpu' with its process.cpuUsage(), so the parent
// can charge CPU time to the hop alone.
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { startToxiproxy } from '../src/toxiproxy/index.ts';

const { values } = parseArgs({ options: { role: { type: 'string' }, upstream: { type: 'string', default: '' } } });
const [upstreamHost, upstreamPort] = values.upstream!.split(':');

// Event-loop delay, so that a slow tail can be told apart: this process stalled, or something
// else did. Coarse (20 ms) and only when asked, so the probe itself barely changes the loop.
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (message === 'loop-delay-start') {
    loopDelay.reset();
    loopDelay.enable();
    process.send?.({ loopDelayStarted: true });
  }
  if (message === 'loop-delay') {
    loopDelay.disable();
    process.send?.({ loopDelayMs: { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 } });
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
  if (values.role === 'pipe') {
    const server = createServer({ noDelay: true }, (client: Socket) => {
      const upstream = connect({ host: upstreamHost, port: Number(upstreamPort), noDelay: true });
      client.pipe(upstream).pipe(client);
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
  const toxiproxy = await startToxiproxy({ port: 0, seed: 1 });
  const answer = await fetch(`${toxiproxy.url}/proxies`, {
    method: 'POST',
    body: JSON.stringify({ name: 'bench', listen: '127.0.0.1:0', upstream: values.upstream }),
  });
  const { listen } = (await answer.json()) as { listen: string };
  return { port: Number(listen.split(':')[1]), api: toxiproxy.url };
}

const ready = await start();
process.send?.(ready);
