import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startToxiproxy } from '../../src/toxiproxy/index.ts';
import { api, client, closedPort, createProxy, echoServer, onCleanup, receiveAll, receiveBytes, toxiproxy } from './helpers.ts';

async function configFile(content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'faultline-toxiproxy-'));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'proxies.json');
  await writeFile(file, content);
  return file;
}

describe('start-up config and proxy updates', () => {
  it('creates the proxies of a config file at start, like toxiproxy-server -config', async () => {
    const upstream = await echoServer();
    const port = await closedPort();
    const file = await configFile(
      JSON.stringify([
        { name: 'db', listen: `127.0.0.1:${port}`, upstream },
        { name: 'off', upstream, enabled: false },
      ]),
    );
    const server = await startToxiproxy({ port: 0, configFile: file });
    onCleanup(() => server.close());
    const proxies = (await api(server.url, 'GET', '/proxies')).json();
    expect(proxies.db).toMatchObject({ listen: `127.0.0.1:${port}`, enabled: true });
    expect(proxies.off).toMatchObject({ enabled: false });
    const socket = await client(port);
    socket.write('hi');
    expect((await receiveBytes(socket, 2)).data.toString()).toBe('hi');
  });

  it('refuses a config file with a missing field, naming the entry', async () => {
    const file = await configFile('[{"name":"a"}]');
    await expect(startToxiproxy({ port: 0, configFile: file })).rejects.toMatchObject({
      code: 'FL_INVALID_INPUT',
      message: expect.stringContaining('missing required field: upstream at proxy 1'),
    });
  });

  it('restarts a proxy whose upstream changes, dropping its connections', async () => {
    const { url } = await toxiproxy();
    const { port } = await createProxy(url, 'p', await echoServer());
    const socket = await client(port);
    const received = receiveAll(socket);
    const moved = await api(url, 'PATCH', '/proxies/p', { upstream: await echoServer() });
    expect(moved.json()).toMatchObject({ enabled: true, listen: `127.0.0.1:${port}` });
    expect(['end', 'close', 'reset']).toContain((await received).ending);
    const again = await client(port);
    again.write('new');
    expect((await receiveBytes(again, 3)).data.toString()).toBe('new');
  });
});
