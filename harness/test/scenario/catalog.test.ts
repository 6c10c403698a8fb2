import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { FaultlineError, InputError } from '../../src/errors.ts';
import { admitScenario } from '../../src/gate/index.ts';
import { builtinScenariosDir as scenariosDir, listScenarios, resolveScenarioRef } from '../../src/scenario/catalog.ts';
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

describe("the user's project first", () => {
  const scenarioText = (description: string, topology = 'taxi') =>
    `description: ${description}\ntopology: ${topology}\nload: {target: gateway, path: /, rate: 1/s, duration: 1s}\nslos: ['p(99) < 1s']\n`;
  const project = (files: Record<string, string>) => {
    dir = mkdtempSync(join(tmpdir(), 'faultline-project-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return dir;
  };

  it('finds names in ./scenarios before the built-in catalog, which stays available and is marked built-in', () => {
    const cwd = project({ 'scenarios/checkout.yaml': scenarioText('Checkout survives'), 'scenarios/baseline.yaml': scenarioText('Our own baseline') });
    const listed = listScenarios({ cwd });
    expect(listed.slice(0, 2).map((s) => [s.name, s.builtin])).toEqual([
      ['baseline', false],
      ['checkout', false],
    ]);
    // The project's baseline hides the built-in one; the other built-ins follow.
    expect(listed.filter((s) => s.name === 'baseline')).toHaveLength(1);
    expect(listed.find((s) => s.name === 'dispatch-outage')).toMatchObject({ builtin: true, file: join(scenariosDir, 'dispatch-outage.yaml') });
    expect(resolveScenarioRef('checkout', { cwd })).toBe(join(cwd, 'scenarios', 'checkout.yaml'));
    expect(resolveScenarioRef('baseline', { cwd })).toBe(join(cwd, 'scenarios', 'baseline.yaml'));
    expect(resolveScenarioRef('dispatch-outage', { cwd })).toBe(join(scenariosDir, 'dispatch-outage.yaml'));
  });

  it('takes the folder from --scenarios over faultline.config.json over ./scenarios', () => {
    const cwd = project({
      'scenarios/a.yaml': scenarioText('in ./scenarios'),
      'resilience/a.yaml': scenarioText('from the config file'),
      'other/a.yaml': scenarioText('from --scenarios'),
      'faultline.config.json': '{ "scenarios": "resilience" }\n',
    });
    expect(listScenarios({ cwd })[0]!.description).toBe('from the config file');
    expect(listScenarios({ cwd, scenarios: 'other' })[0]!.description).toBe('from --scenarios');
    expect(resolveScenarioRef('a', { cwd, scenarios: 'other' })).toBe(join(cwd, 'other', 'a.yaml'));
  });

  it('reports a bad config file located, and a missing --scenarios folder as a usage error', () => {
    const cwd = project({ 'faultline.config.json': '{\n  "scenarios": "nowhere",\n  "scenario": "x"\n}\n' });
    const error = (() => {
      try {
        return listScenarios({ cwd });
      } catch (e) {
        return e;
      }
    })() as InputError;
    expect(error).toBeInstanceOf(InputError);
    expect(error.issues.map((i) => `${i.line}:${i.column} ${i.field}`)).toEqual(['3:3 scenario']);
    writeFileSync(join(cwd, 'faultline.config.json'), '{\n  "scenarios": "nowhere"\n}\n');
    expect(() => listScenarios({ cwd })).toThrow(/faultline\.config\.json:2:16 scenarios: no folder at .*nowhere/);
    expect(() => listScenarios({ cwd, scenarios: 'missing' })).toThrow(/--scenarios: no folder at/);
  });

  it('resolves a topology named in a scenario against the scenario file, by name or path', async () => {
    const cwd = project({
      'scenarios/topologies/shop.yaml': 'services:\n  gateway: {command: [node, gateway.js], cwd: ../../app}\n',
      'scenarios/by-name.yaml': scenarioText('by name', 'topologies/shop'),
      'scenarios/by-path.yaml': scenarioText('by path', './topologies/shop.yaml'),
    });
    for (const name of ['by-name', 'by-path']) {
      const { topology } = await admitScenario(name, { cwd });
      expect(topology.file).toBe(join(cwd, 'scenarios', 'topologies', 'shop.yaml'));
      expect(topology.services[0]).toMatchObject({ cwd: join(cwd, 'app') });
    }
  });

  it('`faultline list --scenarios DIR` prints the project scenarios first and marks the built-in ones', async () => {
    const cwd = project({ 'mine/checkout.yaml': scenarioText('Checkout survives') });
    const c = captureIo();
    expect(await main(['list', '--scenarios', join(cwd, 'mine')], c.io)).toBe(0);
    const lines = c.text().stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^checkout\s+Checkout survives$/);
    expect(lines.slice(1).every((line) => / \(built-in\)\s/.test(line))).toBe(true);
    expect(lines.some((line) => line.startsWith('dispatch-outage (built-in)'))).toBe(true);
  });
});
