import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultlineError, InputError } from '../../src/errors.ts';
import { loadTopology } from '../../src/topology/load.ts';
import { parseLink } from '../../src/document/link.ts';
import { resolveTopology } from '../../src/topology/resolve.ts';
import { taxiTopology } from '../../src/topology/taxi.ts';
import { repoPath } from '../../src/util/tsx.ts';

const fixtures = join(import.meta.dirname, '..', 'scenario', 'fixtures');

describe('the built-in taxi topology', () => {
  it('starts the five sample services with tsx from the repository, faultline-aware', () => {
    const taxi = taxiTopology();
    expect(taxi.services.map((s) => s.name).sort()).toEqual(['dispatch', 'gateway', 'notification', 'passenger', 'trip']);
    for (const service of taxi.services) {
      expect(service).toMatchObject({ kind: 'managed', health: '/health', faultlineAware: true });
      if (service.kind !== 'managed') continue;
      expect(service.command[0]).toBe(process.execPath);
      expect(service.command.at(-1)).toBe(repoPath(`services/${service.name}/main.ts`));
      expect(service.command).toContain('--import');
    }
    expect(taxi.edges).toEqual([
      { caller: 'gateway', callee: 'trip' },
      { caller: 'trip', callee: 'passenger' },
      { caller: 'trip', callee: 'dispatch' },
      { caller: 'trip', callee: 'notification' },
    ]);
  });
});

describe('topology files', () => {
  it('load managed and external services with defaults, node as the running Node, cwd beside the file', async () => {
    const topology = await loadTopology(join(fixtures, 'good', 'my-shop.topology.yaml'));
    expect(topology.name).toBe('my-shop');
    expect(topology.file).toBe(join(fixtures, 'good', 'my-shop.topology.yaml'));
    expect(topology.services).toEqual([
      {
        kind: 'managed',
        name: 'gateway',
        health: '/health',
        command: [process.execPath, 'gateway.js'],
        env: {},
        cwd: join(fixtures, 'good'),
        faultlineAware: false,
      },
      { kind: 'managed', name: 'shop', health: '/health', command: [process.execPath, 'shop.js'], env: {}, cwd: join(fixtures, 'good'), faultlineAware: false },
      { kind: 'external', name: 'payments', health: '/healthz', url: 'http://127.0.0.1:9000' },
    ]);
    expect(topology.edges).toEqual([parseLink('gateway -> payments'), parseLink('gateway -> shop')]);
    expect(Object.isFrozen(topology.services[0])).toBe(true);
  });

  it('reject an invalid file with every located issue', async () => {
    const error = (await loadTopology(join(fixtures, 'bad', 'unknown-fields.topology.yaml')).catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.issues.map((i) => `${i.line}:${i.column} ${i.field}`)).toEqual(['2:13 services.gateway.comand', '3:9 edges[0]', '4:1 extra']);
  });

  it('resolve by built-in name, by path relative to a folder or to a scenario file', async () => {
    expect((await resolveTopology('taxi')).name).toBe('taxi');
    expect((await resolveTopology('my-shop.topology.yaml', join(fixtures, 'good'))).name).toBe('my-shop');
    expect((await resolveTopology('my-shop.topology.yaml', join(fixtures, 'good', 'full.yaml'))).name).toBe('my-shop');
    await expect(resolveTopology('nowhere.yaml', fixtures)).rejects.toThrow(FaultlineError);
    await expect(resolveTopology('nowhere.yaml', fixtures)).rejects.toThrow(/unknown topology 'nowhere.yaml'/);
  });

  it('parse links with or without spaces around the arrow', () => {
    expect(parseLink('a->b')).toEqual({ caller: 'a', callee: 'b' });
    expect(parseLink(' trip  ->  dispatch ')).toEqual({ caller: 'trip', callee: 'dispatch' });
    expect(parseLink('a => b')).toBeUndefined();
  });
});
