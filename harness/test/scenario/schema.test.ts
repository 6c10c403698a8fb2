import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { jsonSchemas } from '../../src/gate/write-schema.ts';
import { repoPath } from '../../src/util/tsx.ts';

const committed = (name: string) => readFileSync(repoPath(join('scenarios', name)), 'utf8');

describe('the JSON Schemas generated from the zod schemas', () => {
  it.each(Object.keys(jsonSchemas()))('%s is up to date (run `npm run schema` when this fails)', (name) => {
    expect(committed(name)).toBe(jsonSchemas()[name]);
  });

  it('accepts the named scenarios and rejects an unknown field, as editors will', () => {
    const validate = new Ajv({ strict: false }).compile(JSON.parse(committed('scenario.schema.json')) as object);
    for (const name of ['dispatch-outage', 'baseline']) expect(validate(parse(committed(`${name}.yaml`))), name).toBe(true);
    expect(validate({ description: 'x', load: { target: 'gateway', path: '/', rate: '1/s', duration: '1s' }, extra: 1 })).toBe(false);
    expect(validate({ description: 'x', load: { target: 'gateway', path: '/', rate: '1/s', duration: '10' } })).toBe(false);
  });
});
