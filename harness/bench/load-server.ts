// The benchmark's target: a tiny keep-alive HTTP server in its own process (so the generator
// keeps its core). `stall` mode freezes the event loop for `--stall-ms` every `--period-ms`,
// like a stop-the-world pause: every request that arrives meanwhile waits for the end of it.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'fast' },
    'stall-ms': { type: 'string', default: '100' },
    'period-ms': { type: 'string', default: '1400' },
  },
});

const server = createServer((_request, response) => {
  response.end('ok');
});
// Longer than any benchmark step, so connections are never closed under the generator.
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.send?.({ port });
});

if (values.mode === 'stall') {
  const stallMs = Number(values['stall-ms']);
  const periodMs = Number(values['period-ms']);
  // Stalls start on a fixed grid (k × periodMs), so the period does not drift with timer lateness.
  const firstAtMs = performance.now() + periodMs;
  let k = 0;
  let timer: NodeJS.Timeout;
  const stallNext = () => {
    timer = setTimeout(
      () => {
        const until = performance.now() + stallMs;
        while (performance.now() < until);
        k++;
        stallNext();
      },
      Math.max(0, firstAtMs + k * periodMs - performance.now()),
    );
  };
  stallNext();
  process.on('disconnect', () => clearTimeout(timer));
}

// Ends with the benchmark, however it ends.
process.on('disconnect', () => server.close());
server.on('close', () => process.exit(0));
