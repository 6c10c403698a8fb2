import { describe, expect, it } from 'vitest';
import { startOrder } from '../../src/run/stack.ts';
import type { Topology } from '../../src/topology/model.ts';

function topology(edges: [string, string][], names = ['gateway', 'trip', 'passenger', 'dispatch', 'notification']): Topology {
  return {
    name: 't',
    services: names.map((name) => ({ kind: 'external' as const, name, url: `http://127.0.0.1:1/${name}`, health: '/health' })),
    edges: edges.map(([caller, callee]) => ({ caller, callee })),
  };
}

describe('service start order', () => {
  it('starts every callee before its callers', () => {
    const edges: [string, string][] = [
      ['gateway', 'trip'],
      ['trip', 'passenger'],
      ['trip', 'dispatch'],
      ['trip', 'notification'],
    ];
    const order = startOrder(topology(edges)).map((s) => s.name);
    expect(order).toHaveLength(5);
    for (const [caller, callee] of edges) expect(order.indexOf(callee)).toBeLessThan(order.indexOf(caller));
  });

  it('refuses a dependency cycle, naming it', () => {
    expect(() =>
      startOrder(
        topology([
          ['gateway', 'trip'],
          ['trip', 'gateway'],
        ]),
      ),
    ).toThrow(/cycle: gateway -> trip -> gateway/);
  });
});
