import { describe, expect, it } from 'vitest';
import { forgetOldest } from '../lib/bounded.ts';
import { createServiceMetrics } from '../lib/metrics.ts';
import { SideEffectLedger } from '../lib/side-effects.ts';

describe('per-trip bookkeeping stays bounded', () => {
  it('forgets the oldest entries of a map or set past the limit, keeping the newest', () => {
    const map = new Map(Array.from({ length: 12 }, (_, i) => [`trip-${i}`, i]));
    forgetOldest(map, 10);
    expect([...map.keys()]).toEqual(Array.from({ length: 10 }, (_, i) => `trip-${i + 2}`));
    const set = new Set(['a', 'b']);
    forgetOldest(set, 5);
    expect([...set]).toEqual(['a', 'b']);
  });

  it('still sees a duplicate side effect among the remembered subjects, and remembers no more than its limit', async () => {
    const metrics = createServiceMetrics({ service: 'test', dependencies: [], effects: ['driver_assigned'], processMetrics: false });
    const ledger = new SideEffectLedger(metrics, 3);
    expect(['t1', 't2', 't3', 't4'].map((t) => ledger.record('driver_assigned', t))).toEqual([false, false, false, false]);
    expect(ledger.record('driver_assigned', 't4')).toBe(true);
    expect(ledger.record('driver_assigned', 't2')).toBe(true);
    // t1 was the oldest of four with room for three: forgotten, so it counts as new again.
    expect(ledger.record('driver_assigned', 't1')).toBe(false);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/side_effect_duplicates_total\{[^}]*effect="driver_assigned"[^}]*\} 2/);
  });
});
