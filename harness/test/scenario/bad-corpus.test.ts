import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { InputError, formatIssue } from '../../src/errors.ts';
import { loadScenario } from '../../src/gate/index.ts';
import { loadTopology } from '../../src/topology/load.ts';
import { captureIo } from './capture.ts';
import { ExitCode, exitCodeForError } from '../../src/cli/exit-code.ts';

const fixtures = join(import.meta.dirname, 'fixtures');
const badFiles = readdirSync(join(fixtures, 'bad'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const expectedIssues = (file: string) =>
  readFileSync(join(fixtures, 'bad', file.replace(/\.yaml$/, '.expected')), 'utf8')
    .trim()
    .split('\n');
const relativeToFixtures = (text: string) => text.replaceAll(`${fixtures}/`, '');

describe('the corpus of malformed scenario and topology files', () => {
  it('holds at least 25 files, each with its expected located issues', () => {
    expect(badFiles.length).toBeGreaterThanOrEqual(25);
    for (const file of badFiles) expect(expectedIssues(file).length, file).toBeGreaterThan(0);
  });

  it.each(badFiles)('rejects %s with every expected file:line:column field: message, and exit 2', async (file) => {
    const c = captureIo();
    const code = await main(['validate', join(fixtures, 'bad', file)], c.io);
    expect(code).toBe(2);
    expect(c.text().stdout).toBe('');
    expect(relativeToFixtures(c.text().stderr).trim().split('\n')).toEqual(expectedIssues(file));
  });

  it.each(badFiles.filter((f) => !f.includes('.topology.')))('throws an InputError carrying exactly the issues of %s from loadScenario', async (file) => {
    const error = await loadScenario(join(fixtures, 'bad', file)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    // Exactly the expected messages, no more: a follow-on issue would make this list longer.
    expect((error as InputError).issues.map((issue) => relativeToFixtures(formatIssue(issue)))).toEqual(expectedIssues(file));
    expect(exitCodeForError(error)).toBe(ExitCode.Usage);
  });

  it('throws an InputError with every issue of a broken topology file from loadTopology', async () => {
    const error = (await loadTopology(join(fixtures, 'bad', 'broken.topology.yaml')).catch((e: unknown) => e)) as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.issues.map((i) => i.field)).toContain('services.gateway.url');
    expect(error.issues).toHaveLength(expectedIssues('broken.topology.yaml').length);
  });

  it('validates many files in one call: ok for the good ones, every issue of the bad ones, exit 2', async () => {
    const c = captureIo();
    const files = ['dispatch-outage', join(fixtures, 'bad', 'unitless-durations.yaml'), join(fixtures, 'bad', 'overlapping-toxics.yaml')];
    expect(await main(['validate', ...files], c.io)).toBe(2);
    expect(c.text().stdout).toMatch(/^ok .*scenarios\/dispatch-outage\.yaml\n$/);
    expect(relativeToFixtures(c.text().stderr).trim().split('\n')).toEqual([
      ...expectedIssues('unitless-durations.yaml'),
      ...expectedIssues('overlapping-toxics.yaml'),
    ]);
  });

  describe('a field that failed to parse causes no follow-on issue', () => {
    it("still counts a fault whose 'for' is not a duration for the fault and recovery windows", async () => {
      const error = (await loadScenario(join(fixtures, 'bad', 'fault-for-not-a-duration.yaml')).catch((e: unknown) => e)) as InputError;
      expect(error.issues.map((i) => i.field)).toEqual(['faults[0].for', 'faults[1].for']);
      expect(error.message).not.toMatch(/needs at least one fault/);
    });

    it('still knows a window whose range is not a duration, so its SLO names no unknown window', async () => {
      const error = (await loadScenario(join(fixtures, 'bad', 'window-range-not-a-duration.yaml')).catch((e: unknown) => e)) as InputError;
      expect(error.issues.map((i) => i.field)).toEqual(['windows[0].from']);
      expect(error.message).not.toMatch(/unknown window/);
    });

    it('holds no fault or window against a load whose duration is itself wrong', async () => {
      const error = (await loadScenario(join(fixtures, 'bad', 'zero-load-duration.yaml')).catch((e: unknown) => e)) as InputError;
      expect(error.issues.map((i) => i.field)).toEqual(['load.duration']);
    });
  });

  it('reports a missing file as a located issue', async () => {
    const c = captureIo();
    expect(await main(['validate', join(fixtures, 'bad', 'absent.yaml')], c.io)).toBe(2);
    expect(c.text().stderr).toContain('unknown scenario');
    const error = (await loadScenario(join(fixtures, 'bad', 'absent.yaml')).catch((e: unknown) => e)) as InputError;
    expect(error.issues[0]).toMatchObject({ line: 1, column: 1, message: 'file not found' });
  });

  it('counts every problem of one file: a file with three problems yields three issues', async () => {
    const error = (await loadScenario(join(fixtures, 'bad', 'slo-bad-unit.yaml')).catch((e: unknown) => e)) as InputError;
    expect(error.issues.map((i) => `${i.line}:${i.column}`)).toEqual(['4:13', '5:20', '6:19']);
  });
});
