import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../src/util/tsx.ts';

const bad = join(import.meta.dirname, 'fixtures', 'bad');

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [repoPath('bin/faultline.js'), ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('`faultline validate` as a process', () => {
  it('rejects the whole bad corpus in one call with exit 2, printing every expected issue and starting nothing', async () => {
    const files = readdirSync(bad)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const { code, stdout, stderr } = await runCli(['validate', ...files.map((f) => join(bad, f))]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const printed = stderr.replaceAll(`${join(bad, '..')}/`, '');
    for (const file of files) {
      for (const line of readFileSync(join(bad, file.replace(/\.yaml$/, '.expected')), 'utf8')
        .trim()
        .split('\n'))
        expect(printed).toContain(line);
    }
  });

  it('accepts the named scenarios with exit 0', async () => {
    const { code, stdout } = await runCli(['validate', 'dispatch-outage', 'baseline']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([`ok ${repoPath('scenarios/dispatch-outage.yaml')}`, `ok ${repoPath('scenarios/baseline.yaml')}`]);
  });
});
