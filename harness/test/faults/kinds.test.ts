import { describe, expect, it } from 'vitest';
import type { FaultContext, ProxyControl } from '../../src/faults/context.ts';
import { faultKindOf, type FaultSpec } from '../../src/faults/registry.ts';

/** A context whose Toxiproxy is a recorder: drivers depend on the interface, nothing else. */
function recordingContext(connections?: number): { ctx: FaultContext; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const proxies: ProxyControl = {
    addToxic: async (...args) => void calls.push(['addToxic', ...args]),
    removeToxic: async (...args) => (calls.push(['removeToxic', ...args]), true),
    setEnabled: async (...args) => void calls.push(['setEnabled', ...args]),
    appliedConnections: async (...args) => (calls.push(['appliedConnections', ...args]), connections),
  };
  const unused = () => {
    throw new Error('not used by link faults');
  };
  return {
    ctx: { proxies, toxicPrefix: 'faultline_run1_', broker: unused, service: unused, relaunch: unused, stopService: unused, serviceUrl: unused },
    calls,
  };
}

describe('the link fault kinds, driven through ProxyControl', () => {
  const latency: FaultSpec = {
    kind: 'toxic',
    id: 'slow',
    atMs: 0,
    caller: 'trip',
    callee: 'passenger',
    toxic: 'latency',
    stream: 'downstream',
    toxicity: 0.5,
    attributes: { latency: 800, jitter: 0 },
  };

  it("adds a toxic named faultline_<runId>_<faultId> on the link's proxy, and reports the connections it touched on removal", async () => {
    const { ctx, calls } = recordingContext(7);
    await faultKindOf(latency).apply(latency, ctx);
    expect(calls).toEqual([
      [
        'addToxic',
        'trip_to_passenger',
        { name: 'faultline_run1_slow', type: 'latency', stream: 'downstream', toxicity: 0.5, attributes: { latency: 800, jitter: 0 } },
      ],
    ]);
    calls.length = 0;
    expect(await faultKindOf(latency).remove(latency, ctx)).toEqual({ connectionsAffected: 7 });
    // The counter is read before the toxic (and its counter) goes.
    expect(calls).toEqual([
      ['appliedConnections', 'trip_to_passenger', 'faultline_run1_slow'],
      ['removeToxic', 'trip_to_passenger', 'faultline_run1_slow'],
    ]);
  });

  it('leaves the evidence unknown when the server has no counter (a real Toxiproxy)', async () => {
    const { ctx } = recordingContext(undefined);
    expect(await faultKindOf(latency).remove(latency, ctx)).toEqual({});
  });

  it('takes a link down by disabling its proxy, and enables it again', async () => {
    const down: FaultSpec = { kind: 'down', id: 'out', atMs: 0, caller: 'trip', callee: 'dispatch' };
    const { ctx, calls } = recordingContext();
    await faultKindOf(down).apply(down, ctx);
    await faultKindOf(down).remove(down, ctx);
    expect(calls).toEqual([
      ['setEnabled', 'trip_to_dispatch', false],
      ['setEnabled', 'trip_to_dispatch', true],
    ]);
  });
});

describe('the broker-crash kind, driven through BrokerControl', () => {
  it('crashes the broker keeping or dropping its state, and restarts it when the fault ends', async () => {
    const calls: unknown[][] = [];
    const { ctx } = recordingContext();
    const withBroker: FaultContext = {
      ...ctx,
      broker: () => ({
        name: 'broker',
        crash: async (keepState) => void calls.push(['crash', keepState]),
        restart: async () => void calls.push(['restart']),
      }),
    };
    for (const keepState of [true, false]) {
      const fault: FaultSpec = { kind: 'broker-crash', id: 'b', atMs: 0, forMs: 1000, keepState };
      await faultKindOf(fault).apply(fault, withBroker);
      expect(await faultKindOf(fault).remove(fault, withBroker)).toEqual({});
      expect(faultKindOf(fault).describe(fault)).toBe(`broker crash (state ${keepState ? 'kept' : 'lost'})`);
    }
    expect(calls).toEqual([['crash', true], ['restart'], ['crash', false], ['restart']]);
  });
});
