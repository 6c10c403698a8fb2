import { describe, expect, it } from 'vitest';
import { toxicAttributes, toxicTypes } from '../../src/faults/toxics.ts';
import { toxicKind, toxicTypes as serverToxicTypes } from '../../src/toxiproxy/toxics/registry.ts';

/**
 * Scenarios name toxics from one list (faults/toxics.ts); the embedded server implements them
 * one file each (toxiproxy/toxics/). The two must agree, or a scenario could ask for a toxic or
 * an attribute the server would refuse (or silently default to 0).
 */
describe("the scenario's toxics and the embedded server's", () => {
  it('offers scenarios every toxic the server implements, except noop (which does nothing)', () => {
    // noop is Toxiproxy's test toxic; extensions (http) are faults of their own kind, not `toxic`.
    expect([...serverToxicTypes()].filter((type) => type !== 'noop' && !toxicKind(type)?.extension).sort()).toEqual([...toxicTypes].sort());
  });

  it.each(toxicTypes)('names the attributes of %s as the server does, in its order', (type) => {
    const server = toxicKind(type);
    expect(server, `the embedded server has no ${type} toxic`).toBeDefined();
    expect(Object.keys(toxicAttributes[type])).toEqual(server!.attributes.map((a) => a.name));
  });
});
