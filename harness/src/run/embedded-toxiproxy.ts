import { once } from 'node:events';
import { FaultlineError } from '../errors.ts';
import { siblingModule } from '../util/package-files.ts';
import { startTsWorker } from '../util/ts-worker.ts';

export interface EmbeddedToxiproxyHandle {
  url: string;
  close(): Promise<void>;
}

/** Starts faultline's Toxiproxy-compatible server on a worker thread, on a free loopback port. */
export async function startEmbeddedToxiproxy(seed: number): Promise<EmbeddedToxiproxyHandle> {
  const worker = startTsWorker(siblingModule('toxiproxy-worker', import.meta.url), { seed });
  const [first] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([e]) => [{ error: String(e) }])])) as [
    { url?: string; error?: string },
  ];
  if (!first.url) {
    await worker.terminate();
    throw new FaultlineError('FL_ENVIRONMENT', `the embedded Toxiproxy did not start: ${first.error ?? 'no address'}`);
  }
  let closing: Promise<void> | undefined;
  return {
    url: first.url,
    close() {
      closing ??= (async () => {
        worker.postMessage('close');
        // A graceful close normally takes milliseconds; never let it hold up cleanup.
        const timer = setTimeout(() => void worker.terminate(), 2000);
        await Promise.race([once(worker, 'message'), once(worker, 'exit')]).catch(() => undefined);
        clearTimeout(timer);
        await worker.terminate();
      })();
      return closing;
    },
  };
}
