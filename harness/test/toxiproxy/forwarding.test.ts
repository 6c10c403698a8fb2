import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { addToxic, api, client, createProxy, echoServer, receiveAll, receiveBytes, sleep, tcpServer, toxiproxy } from './helpers.ts';

const sizes = [0, 1, 1000, 65_543, 1024 * 1024, 4 * 1024 * 1024];

/** A server that sends `reply` while collecting what the client sends until its FIN. */
async function exchangeServer(reply: Buffer): Promise<{ upstream: string; received: Promise<Buffer> }> {
  let deliver!: (b: Buffer) => void;
  const received = new Promise<Buffer>((resolve) => (deliver = resolve));
  const upstream = await tcpServer((socket: Socket) => {
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('end', () => deliver(Buffer.concat(parts)));
    socket.end(reply);
  });
  return { upstream, received };
}

async function exchange(withToxics: boolean, requestSize: number, replySize: number): Promise<void> {
  const { url } = await toxiproxy();
  const request = randomBytes(requestSize);
  const reply = randomBytes(replySize);
  const server = await exchangeServer(reply);
  const { port } = await createProxy(url, 'p', server.upstream);
  if (withToxics) {
    await addToxic(url, 'p', { type: 'noop', stream: 'upstream' });
    await addToxic(url, 'p', { type: 'latency', stream: 'upstream', attributes: { latency: 0 } });
    await addToxic(url, 'p', { type: 'bandwidth', stream: 'downstream', attributes: { rate: 0 } });
    await addToxic(url, 'p', { type: 'slow_close', stream: 'downstream', attributes: { delay: 0 } });
  }
  const socket = await client(port);
  const got = receiveAll(socket);
  socket.end(request); // half-close: the reply must still arrive in full
  const [fromServer, atServer] = await Promise.all([got, server.received]);
  expect(atServer.equals(request), `request of ${requestSize} B`).toBe(true);
  expect(fromServer.data.equals(reply), `reply of ${replySize} B`).toBe(true);
  expect(fromServer.ending).toBe('end');
}

describe('forwarding', () => {
  it.each(sizes)('forwards %i bytes exactly in both directions with half-close (no toxic)', async (size) => {
    await exchange(false, size, sizes[sizes.length - 1 - sizes.indexOf(size)]!);
  });

  it.each(sizes)('forwards %i bytes exactly in both directions through a chain of toxics', async (size) => {
    await exchange(true, size, size);
  });

  it('drops and reorders nothing while toxics are added and removed under traffic', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    const socket = await client(port);
    const payload = randomBytes(2 * 1024 * 1024);
    const echoed = receiveBytes(socket, payload.length);
    let writing = true;
    const writer = (async () => {
      for (let offset = 0; offset < payload.length; offset += 16 * 1024) {
        if (!socket.write(payload.subarray(offset, offset + 16 * 1024))) await new Promise((r) => socket.once('drain', r));
        if (offset % (64 * 1024) === 0) await sleep(5);
      }
      writing = false;
    })();
    const toxics = [
      { name: 'l', type: 'latency', stream: 'upstream', attributes: { latency: 5, jitter: 5 } },
      { name: 's', type: 'slicer', stream: 'downstream', attributes: { average_size: 4096, size_variation: 1000 } },
      { name: 'b', type: 'bandwidth', stream: 'downstream', attributes: { rate: 20_000 } },
      { name: 'n', type: 'noop', stream: 'upstream' },
    ];
    // Two toxics overlap at any time, so stages are spliced out of the head, middle and tail.
    let round = 0;
    let previous: (typeof toxics)[number] | undefined;
    while (writing || round < 4) {
      const toxic = toxics[round % toxics.length]!;
      await addToxic(url, 'p', toxic);
      await sleep(7);
      if (round % 3 !== 2) await api(url, 'PATCH', `/proxies/p/toxics/${toxic.name}`, { toxicity: 1 });
      if (previous) await api(url, 'DELETE', `/proxies/p/toxics/${previous.name}`);
      previous = toxic;
      round++;
    }
    if (previous) await api(url, 'DELETE', `/proxies/p/toxics/${previous.name}`);
    await writer;
    const { data } = await echoed;
    expect(data.equals(payload)).toBe(true);
  });
});
