import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { admitScenario, loadScenario } from '../../src/gate/index.ts';
import { sourceFromText } from '../../src/document/source.ts';
import { checkScenario } from '../../src/scenario/load.ts';

const good = (name: string) => join(import.meta.dirname, 'fixtures', 'good', name);

describe('loading a scenario file', () => {
  it('normalises units and fills every default', async () => {
    const scenario = await loadScenario(good('full.yaml'));
    expect(scenario).toMatchObject({ name: 'full', seed: 7, profile: 'naive', topology: 'taxi', file: good('full.yaml') });
    expect(scenario.load.stages).toEqual([
      { durationMs: 5000, fromRate: 10, toRate: 40 },
      { durationMs: 60_000, fromRate: 40, toRate: 40 },
      { durationMs: 5000, fromRate: 40, toRate: 0 },
    ]);
    expect(scenario.load).toMatchObject({ maxInFlight: 100, timeoutMs: 10_000, headers: {}, successStatuses: [200, 201] });
    expect(scenario.windows).toEqual([{ name: 'early-outage', startMs: 10_000, endMs: 15_000 }]);
    expect(scenario.slos[1]).toMatchObject({ name: 'few errors early in the outage', window: 'early-outage', expression: 'error_rate < 1%', threshold: 0.01 });
    expect(scenario.slos[0]).toMatchObject({ name: 'p(99) < 800ms', window: 'whole' });
  });

  it('turns every fault kind into its model, with default ids, Toxiproxy units and defaults', async () => {
    const { faults } = await loadScenario(good('full.yaml'));
    expect(faults.map((f) => f.id)).toEqual([
      'down-trip_to_dispatch-1',
      'latency-trip_to_passenger-2',
      'slicer-trip_to_notification-3',
      'bandwidth-gateway_to_trip-4',
      'crash-passenger-5',
      'restart-dispatch',
      'http-notification-7',
    ]);
    expect(faults[0]).toEqual({ kind: 'down', id: 'down-trip_to_dispatch-1', atMs: 10_000, forMs: 15_000, caller: 'trip', callee: 'dispatch' });
    expect(faults[1]).toMatchObject({ kind: 'toxic', toxic: 'latency', stream: 'upstream', toxicity: 0.5, attributes: { latency: 1500, jitter: 20 } });
    // slicer delay is in microseconds in Toxiproxy; unset attributes default to 0 as there.
    expect(faults[2]).toMatchObject({ toxic: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 64, size_variation: 0, delay: 2000 } });
    expect(faults[3]).not.toHaveProperty('forMs');
    expect(faults[6]).toMatchObject({ kind: 'http', service: 'notification', status: 503, rate: 0.25, delayMs: 100 });
  });

  it('returns a frozen scenario', async () => {
    const scenario = await loadScenario(good('full.yaml'));
    expect(Object.isFrozen(scenario)).toBe(true);
    expect(Object.isFrozen(scenario.faults[1])).toBe(true);
    expect(Object.isFrozen((scenario.faults[1] as { attributes: object }).attributes)).toBe(true);
  });

  it('resolves a topology file relative to the scenario and checks faults against it', async () => {
    const { scenario, topology } = await admitScenario(good('shop-scenario.yaml'));
    expect(scenario.topology).toBe('my-shop.topology.yaml');
    expect(topology.name).toBe('my-shop');
  });

  it('points an SLO syntax error at its column inside a quoted YAML string', async () => {
    const text = 'description: x\nload: {target: gateway, path: /, rate: 1/s, duration: 1s}\nslos:\n  - "p(99) < 800"\n';
    const { issues } = await checkScenario(sourceFromText('/tmp/x.yaml', text));
    expect(issues).toEqual([expect.objectContaining({ line: 4, column: 5 + 1 + 8, field: 'slos[0]' })]);
  });

  it('points a missing required field at the object that lacks it', async () => {
    const text = 'description: x\nload:\n  target: gateway\n  rate: 1/s\n  duration: 1s\n';
    const { issues } = await checkScenario(sourceFromText('/tmp/x.yaml', text));
    expect(issues).toEqual([{ file: '/tmp/x.yaml', line: 3, column: 3, field: 'load.path', message: 'required field is missing' }]);
  });
});

describe('locating SLO errors', () => {
  it.each([
    ['plain', '  - p(99) < 800\n', 5 + 8],
    ['double-quoted with a leading space', '  - " p(99) < 800"\n', 5 + 1 + 1 + 8],
    ['in the object form', '  - {expect: p(99) < 800, window: whole}\n', 14 + 8],
  ])('points at the offending column when the expression is %s', async (_, slo, column) => {
    const text = `description: x\nload: {target: gateway, path: /, rate: 1/s, duration: 1s}\nslos:\n${slo}`;
    const { issues } = await checkScenario(sourceFromText('/tmp/x.yaml', text));
    expect(issues.map((i) => `${i.line}:${i.column}`)).toEqual([`4:${column}`]);
  });
});
