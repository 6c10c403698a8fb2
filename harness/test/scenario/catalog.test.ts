import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { FaultlineError } from '../../src/errors.ts';
import { listScenarios, resolveScenarioRef, scenariosDir } from '../../src/scenario/catalog.ts';
import { captureIo } from './capture.ts';
import { ExitCode, exitCodeForError } from '../../src/cli/exit-code.ts';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('the scenario catalog', () => {
  it('lists the named scenarios sorted by name, with their descriptions', () => {
    const scenarios = listScenarios();
    expect(scenarios.map((s) => s.name)).toEqual(expect.arrayContaining(['baseline', 'dispatch-outage']));
    expect(scenarios.map((s) => s.name)).toEqual([...scenarios.map((s) => s.name)].sort());
    expect(scenarios.find((s) => s.name === 'dispatch-outage')?.description).toMatch(/^Dispatch is down/);
  });

  it('lists a broken file too, leaves topology files out', () => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-catalog-'));
    writeFileSync(join(dir, 'b.yaml'), 'description: [unclosed');
    writeFileSync(join(dir, 'a.yaml'), 'description: first\nload: {}');
    writeFileSync(join(dir, 'shop.yaml'), 'services: {a: {url: "http://x"}}');
    expect(listScenarios(dir).map((s) => [s.name, s.description.slice(0, 8)])).toEqual([
      ['a', 'first'],
      ['b', '(invalid'],
    ]);
  });

  it('resolves a name to scenarios/<name>.yaml and an existing path to itself', () => {
    expect(resolveScenarioRef('dispatch-outage')).toBe(join(scenariosDir, 'dispatch-outage.yaml'));
    expect(resolveScenarioRef('scenarios/baseline.yaml')).toBe(join(scenariosDir, 'baseline.yaml'));
  });

  it('answers an unknown name with FL_UNKNOWN_SCENARIO listing the known names', () => {
    const error = (() => {
      try {
        return resolveScenarioRef('dispatch-outgae');
      } catch (e) {
        return e;
      }
    })() as FaultlineError;
    expect(error).toBeInstanceOf(FaultlineError);
    expect(error.code).toBe('FL_UNKNOWN_SCENARIO');
    expect(exitCodeForError(error)).toBe(ExitCode.Usage);
    expect(error.message).toMatch(/baseline, .*dispatch-outage/);
  });

  it('prints the list through `faultline list`', async () => {
    const c = captureIo();
    expect(await main(['list'], c.io)).toBe(0);
    expect(c.text().stdout).toMatch(/^baseline\s+No faults/m);
    expect(c.text().stdout).toMatch(/^dispatch-outage\s+Dispatch is down/m);
  });
});
