import { parentPort, workerData } from 'node:worker_threads';
import { startToxiproxy } from '../toxiproxy/index.ts';

// Runs the embedded Toxiproxy on its own thread (its own event loop, so on its own core):
// the proxy's data path then competes with neither the load generator nor the scraper.
const { seed } = (workerData as { data: { seed: number } }).data;
const port = parentPort!;
try {
  const server = await startToxiproxy({ host: '127.0.0.1', port: 0, seed });
  port.on('message', (message: unknown) => {
    if (message === 'close') {
      void server.close().then(() => port.postMessage({ closed: true }));
    }
  });
  port.postMessage({ url: server.url });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
}
