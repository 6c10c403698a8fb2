import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeResultJson } from '../../src/report/index.ts';
import { savedResult } from '../fixtures/recordings.ts';
import { buildRunResult } from './fixtures.ts';

describe('writeResultJson', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('writes the result as pretty JSON that reads back equal, creating the folder', async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-json-'));
    const file = join(dir, 'results', 'dispatch-outage', 'result.json');
    const result = buildRunResult();
    await writeResultJson(result, file);
    const text = await readFile(file, 'utf8');
    expect(JSON.parse(text)).toEqual(result);
    expect(text).toMatch(/^\{\n {2}"schemaVersion": 1,\n/);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('writes a real run (fractional times, optional fields left out, missing breaker states) that reads back equal', async () => {
    dir = await mkdtemp(join(tmpdir(), 'faultline-json-'));
    const file = join(dir, 'result.json');
    const result = savedResult('dispatch-outage-naive');
    await writeResultJson(result, file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toStrictEqual(result);
  });
});
