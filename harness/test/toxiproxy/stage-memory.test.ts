import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Entry, Target } from '../../src/toxiproxy/link/chunk.ts';
import { Stage } from '../../src/toxiproxy/link/stage.ts';
import { StageQueue } from '../../src/toxiproxy/link/stage-queue.ts';
import type { ActiveToxic } from '../../src/toxiproxy/proxy/active-toxic.ts';
import { createRandom } from '../../src/toxiproxy/random.ts';
import { latencyToxic } from '../../src/toxiproxy/toxics/latency.ts';
import { slicerToxic } from '../../src/toxiproxy/toxics/slicer.ts';
import { timeoutToxic } from '../../src/toxiproxy/toxics/timeout.ts';
import type { ToxicKind } from '../../src/toxiproxy/toxics/toxic.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function usedHeapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** A sink that takes everything and counts bytes. */
class CountingSink implements Target {
  bytes = 0;
  push(entry: Entry): boolean {
    if ('data' in entry) this.bytes += entry.data.length;
    return true;
  }
  whenRoom(): Promise<void> {
    return Promise.resolve();
  }
}

function activeToxic(kind: ToxicKind, attributes: Record<string, number>): ActiveToxic {
  return {
    name: `${kind.type}_downstream`,
    kind,
    stream: 'downstream',
    direction: 'downstream',
    toxicity: 1,
    attributes,
    appliedConnections: { proxy: 'p', toxic: kind.type, type: kind.type, stream: 'downstream', count: 0 },
  };
}

/**
 * Pushes `count` one-byte chunks through the stage, waiting for room as a socket source would,
 * and every other chunk for the stage to drain its queue: so the toxic waits both for data and
 * for its own deadlines, as it does on a real connection.
 */
async function feed(stage: Stage, count: number): Promise<void> {
  const data = Buffer.from('x');
  for (let i = 0; i < count; i++) {
    if (!stage.queue.push({ data, atMs: performance.now() })) await stage.queue.whenRoom();
    if (i % 2 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

// One long-lived connection carries chunk after chunk through a toxic. What the stage keeps per
// chunk must not outlive the chunk: before, each wait raced a promise that lived as long as the
// connection, and every race left a reaction on it (300 to 500 bytes a chunk, freed only with the connection).
describe('a toxic stage on a long-lived connection', () => {
  const cases: [string, ToxicKind, Record<string, number>][] = [
    ['latency', latencyToxic, { latency: 0, jitter: 0 }],
    ['slicer', slicerToxic, { average_size: 1, size_variation: 0, delay: 0 }],
    ['timeout (0 = hold forever)', timeoutToxic, { timeout: 0 }],
    ['timeout (not yet expired)', timeoutToxic, { timeout: 600_000 }],
  ];
  it.each(cases)('%s keeps no memory per chunk', async (_name, kind, attributes) => {
    const sink = new CountingSink();
    const stage = new Stage(activeToxic(kind, attributes), sink, {
      random: createRandom(1),
      onStageFailure: (error) => {
        throw error;
      },
      reply: () => undefined,
    });
    stage.start();
    await feed(stage, 20_000); // warm-up: JIT, queue arrays at their working size
    const before = usedHeapAfterGc();
    const chunks = 100_000;
    await feed(stage, chunks);
    await new Promise((resolve) => setImmediate(resolve));
    const grownBytes = usedHeapAfterGc() - before;
    stage.stop();
    if (kind !== timeoutToxic) expect(sink.bytes).toBeGreaterThanOrEqual(chunks);
    // Generous: the old code kept 300 to 500 bytes a chunk (30 to 50 MB here).
    expect(grownBytes).toBeLessThan(6 * 1024 * 1024);
  });
});

describe('a stage queue', () => {
  // The latency toxic's queue holds up to 1024 chunks but usually one at a time. Taken entries
  // used to stay in its array until 1024 had been taken: every chunk (and its buffer) outlived
  // its hold, survived scavenges, and was promoted, and the old-generation collections that
  // followed stalled the proxy for up to 10 ms.
  it('keeps no reference to an entry once it is taken', async () => {
    const queue = new StageQueue(1024);
    const before = (collectGarbage(), process.memoryUsage().arrayBuffers);
    // 1,000 chunks of 64 KiB, taken one by one as a latency stage does: 65 MB if they were kept.
    // (Large on purpose: the process's other buffers come and go by a few MB meanwhile.)
    for (let i = 0; i < 1000; i++) {
      queue.push({ data: Buffer.alloc(64 * 1024, i), atMs: 0 });
      if (i % 3 !== 2) queue.take(); // sometimes an entry stays behind for a while
    }
    while (queue.take()) {
      // drain
    }
    // V8 frees the memory of dead buffers on a background thread after a collection, so the
    // count may lag on a busy machine: collect and look again for up to 5 s. Kept buffers (the
    // old queue) never go.
    let keptBytes = Infinity;
    const deadline = performance.now() + 5000;
    while (keptBytes >= 16 * 1024 * 1024 && performance.now() < deadline) {
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 50));
      keptBytes = process.memoryUsage().arrayBuffers - before;
    }
    expect(keptBytes).toBeLessThan(16 * 1024 * 1024);
  });
});
