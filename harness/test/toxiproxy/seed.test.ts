import { describe, expect, it } from 'vitest';
import { startToxiproxy } from '../../src/toxiproxy/index.ts';
import { createRandom } from '../../src/toxiproxy/random.ts';
import { addToxic, client, createProxy, echoServer, metricValue, onCleanup, receiveBytes } from './helpers.ts';

async function seededServer(seed: number): Promise<{ url: string; port: number }> {
  const server = await startToxiproxy({ port: 0, seed });
  onCleanup(() => server.close());
  const { port } = await createProxy(server.url, 'p', await echoServer());
  return { url: server.url, port };
}

/** Which of `n` successive connections a toxicity-0.5 toxic was applied to. */
async function appliedPattern(seed: number, n: number): Promise<string> {
  const { url, port } = await seededServer(seed);
  await addToxic(url, 'p', { name: 'coin', type: 'latency', toxicity: 0.5 });
  let pattern = '';
  let before = 0;
  for (let i = 0; i < n; i++) {
    const socket = await client(port);
    socket.write('x');
    await receiveBytes(socket, 1);
    socket.destroy();
    const after = (await metricValue(url, 'toxiproxy_toxic_applied_connections_total', { toxic: 'coin' }))!;
    pattern += after > before ? '1' : '0';
    before = after;
  }
  return pattern;
}

/** Round-trip times of successive echoes through a jittery latency toxic. */
async function jitterSequence(seed: number): Promise<number[]> {
  const { url, port } = await seededServer(seed);
  await addToxic(url, 'p', { type: 'latency', attributes: { latency: 300, jitter: 300 } });
  const socket = await client(port);
  const times: number[] = [];
  for (let i = 0; i < 8; i++) {
    socket.write('x');
    times.push((await receiveBytes(socket, 1)).elapsedMs);
  }
  return times;
}

describe('seeded randomness', () => {
  it('draws the same sequence from the same seed and another from another seed', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    const c = createRandom(8);
    const seqA = Array.from({ length: 5 }, () => a.float());
    expect(Array.from({ length: 5 }, () => b.float())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.float())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('replays the same toxicity decisions for the same seed', async () => {
    const [first, replay, other] = await Promise.all([appliedPattern(42, 16), appliedPattern(42, 16), appliedPattern(43, 16)]);
    expect(replay).toBe(first);
    expect(first).toMatch(/1/);
    expect(first).toMatch(/0/);
    expect(other).not.toBe(first);
  });

  it('replays the same jitter sequence for the same seed', async () => {
    const [first, replay, other] = await Promise.all([jitterSequence(5), jitterSequence(5), jitterSequence(6)]);
    // Same draws: each round trip within scheduling noise of its twin. Jitter spans 600 ms, so
    // another seed differs by far more somewhere.
    first.forEach((ms, i) => expect(Math.abs(ms - replay[i]!)).toBeLessThan(60));
    expect(Math.max(...first.map((ms, i) => Math.abs(ms - other[i]!)))).toBeGreaterThan(100);
    first.forEach((ms) => expect(ms).toBeGreaterThanOrEqual(0));
  });
});
