import { Toxiproxy, type ICreateToxicBody, type Latency } from 'toxiproxy-node-client';
import { describe, expect, it } from 'vitest';
import { client, echoServer, receiveBytes, toxiproxy } from './helpers.ts';

// toxiproxy-node-client is the test of record: if it drives our server without knowing the
// difference, so can the runner and any user of the client.
describe('driven by toxiproxy-node-client', () => {
  it('reads the version', async () => {
    const server = await toxiproxy();
    expect(await new Toxiproxy(server.url).getVersion()).toBe('{"version": "2.12.0"}\n');
  });

  it('creates, reads, lists, updates and removes proxies', async () => {
    const server = await toxiproxy();
    const tp = new Toxiproxy(server.url);
    const upstream = await echoServer();
    const proxy = await tp.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream });
    expect(proxy.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(proxy.enabled).toBe(true);
    expect((await tp.get('db')).toJson()).toEqual(proxy.toJson());
    expect(Object.keys(await tp.getAll())).toEqual(['db']);
    const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream });
    expect(down.enabled).toBe(false);
    const up = await down.update({ enabled: true, listen: proxy.listen, upstream });
    expect(up.enabled).toBe(true);
    expect(up.listen).toBe(proxy.listen);
    await up.remove();
    expect(await tp.getAll()).toEqual({});
    await expect(tp.get('db')).rejects.toThrow('Request failed with status code 404');
  });

  it('populates and resets', async () => {
    const server = await toxiproxy();
    const tp = new Toxiproxy(server.url);
    const upstream = await echoServer();
    const proxies = await tp.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream },
      { name: 'b', listen: '127.0.0.1:0', upstream, enabled: false },
    ]);
    expect(Object.keys(proxies).sort()).toEqual(['a', 'b']);
    expect(proxies.b!.enabled).toBe(false);
    await tp.reset();
    expect((await tp.get('b')).enabled).toBe(true);
  });

  it('adds, reads, updates and removes a toxic that really delays traffic', async () => {
    const server = await toxiproxy();
    const tp = new Toxiproxy(server.url);
    const proxy = await tp.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: await echoServer() });
    const body: ICreateToxicBody<Latency> = { name: 'slow', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 150, jitter: 0 } };
    const toxic = await proxy.addToxic(body);
    expect(toxic.toJson()).toEqual(body);
    const socket = await client(Number(proxy.listen.split(':')[1]));
    socket.write('ping');
    expect((await receiveBytes(socket, 4)).elapsedMs).toBeGreaterThanOrEqual(150);
    const faster = await toxic.update({ ...body, attributes: { latency: 0, jitter: 0 } });
    expect(faster.attributes).toEqual({ latency: 0, jitter: 0 });
    expect(((await proxy.getToxic('slow')).attributes as Latency).latency).toBe(0);
    await faster.remove();
    await expect(proxy.getToxic('slow')).rejects.toThrow('404');
  });

  it('sees API errors as rejections with the status code', async () => {
    const server = await toxiproxy();
    const tp = new Toxiproxy(server.url);
    const upstream = await echoServer();
    await tp.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream });
    await expect(tp.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream })).rejects.toThrow('409');
    const proxy = await tp.get('p');
    await expect(proxy.addToxic({ name: 'x', type: 'nonsense' as 'latency', stream: 'downstream', toxicity: 1, attributes: {} as Latency })).rejects.toThrow(
      '400',
    );
  });
});
