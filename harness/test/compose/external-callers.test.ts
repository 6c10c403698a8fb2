import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedToxiproxy, type EmbeddedToxiproxyHandle } from '../../src/run/embedded-toxiproxy.ts';
import { bringUp, type Stack } from '../../src/run/stack.ts';
import type { Topology } from '../../src/topology/model.ts';

/**
 * Compose starts the services and wires each caller to a proxy `caller_to_callee` it created
 * from dashboards/toxiproxy.json; a run against them must use those proxies, not make its own.
 * Here "compose" is this test: two tiny HTTP services on free ports and a proxy created up front.
 */
const servers: Server[] = [];
const toxiproxies: EmbeddedToxiproxyHandle[] = [];
const stacks: Stack[] = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.teardown()));
  await Promise.all(toxiproxies.splice(0).map((t) => t.close()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function httpService(name: string): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(name));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function externalPair(): Promise<{ topology: Topology; calleeUrl: string }> {
  const callerUrl = await httpService('caller');
  const calleeUrl = await httpService('callee');
  const topology: Topology = {
    name: 'external-pair',
    services: [
      { kind: 'external', name: 'caller', url: callerUrl, health: '/health' },
      { kind: 'external', name: 'callee', url: calleeUrl, health: '/health' },
    ],
    edges: [{ caller: 'caller', callee: 'callee' }],
  };
  return { topology, calleeUrl };
}

async function toxiproxyServer(): Promise<{ url: string; client: Toxiproxy }> {
  const handle = await startEmbeddedToxiproxy(1);
  toxiproxies.push(handle);
  return { url: handle.url, client: new Toxiproxy(handle.url) };
}

describe('a run whose callers are external (url)', () => {
  it('adopts the existing caller_to_callee proxy as it is, faults go through it, and teardown leaves it in place', async () => {
    const { topology, calleeUrl } = await externalPair();
    const toxiproxy = await toxiproxyServer();
    const upstream = new URL(calleeUrl).host;
    const created = await toxiproxy.client.populate([{ name: 'caller_to_callee', listen: '127.0.0.1:0', upstream, enabled: true }]);
    const listen = created['caller_to_callee']!.listen;

    const stack = await bringUp({ topology, profile: 'resilient', seed: 1, toxiproxyUrl: toxiproxy.url });
    stacks.push(stack);
    const proxy = stack.proxy('caller_to_callee');
    expect(proxy.listen).toBe(listen);
    expect(proxy.upstream).toBe(upstream);
    const through = `http://${listen}`;
    expect(await (await fetch(through)).text()).toBe('callee');

    // A fault applied the way the runner does it (through the run's Toxiproxy session): the
    // proxy the caller is wired to goes down.
    await stack.proxies.setEnabled('caller_to_callee', false);
    await expect(fetch(through)).rejects.toThrow();
    await stack.proxies.setEnabled('caller_to_callee', true);

    // Process faults cannot act on a service someone else started: they fail loudly.
    await expect(stack.stopService('callee', 'kill')).rejects.toMatchObject({ code: 'FL_FAULT_APPLY' });

    expect(await stack.teardown()).toEqual([]);
    const after = await toxiproxy.client.get('caller_to_callee');
    expect(after.listen).toBe(listen);
    expect(after.enabled).toBe(true);
  });

  it('refuses to start when the proxy does not exist, naming it and the env var to wire', async () => {
    const { topology } = await externalPair();
    const toxiproxy = await toxiproxyServer();
    await expect(bringUp({ topology, profile: 'resilient', seed: 1, toxiproxyUrl: toxiproxy.url })).rejects.toMatchObject({
      code: 'FL_ENVIRONMENT',
      message: expect.stringMatching(/proxy caller_to_callee must already exist.*CALLEE_URL/),
    });
    expect(await toxiproxy.client.getAll()).toEqual({});
  });

  it('with the embedded Toxiproxy, says to pass --toxiproxy', async () => {
    const { topology } = await externalPair();
    await expect(bringUp({ topology, profile: 'resilient', seed: 1 })).rejects.toMatchObject({
      code: 'FL_ENVIRONMENT',
      message: expect.stringContaining('pass --toxiproxy'),
    });
  });
});
