import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ExitCode } from '../../src/cli/exit-code.ts';
import { captureIo } from '../scenario/capture.ts';

/**
 * The validation gate: validate, plan, run, compare and k6 export reject the same inputs, with
 * exit 2 and located messages, before anything starts. Every service of these topologies
 * leaves a marker file when started, so "nothing started" is checked, not assumed.
 */
let dir: string;
const marker = () => join(dir, 'started');

/** A service whose start leaves the marker (then stays up until stopped). */
const service = (aware = false) =>
  `{command: [node, -e, "require('fs').writeFileSync(process.env.MARKER, 'x'); setInterval(() => {}, 1000)"], env: {MARKER: ${JSON.stringify(marker())}}${aware ? ', faultlineAware: true' : ''}}`;

const scenario = (topology: string, extra = '') => `description: gate fixture
topology: ${topology}
${extra}load: {target: front, path: /, rate: 5/s, duration: 2s}
faults:
  - {type: latency, link: front -> back, at: 500ms, for: 1s, attributes: {latency: 10ms}}
slos:
  - error_rate < 1%
`;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const capture = captureIo();
  const code = await main(args, capture.io);
  return { code, ...capture.text() };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-gate-'));
  await writeFile(join(dir, 'cyclic.topology.yaml'), `services:\n  front: ${service()}\n  back: ${service()}\nedges:\n  - front -> back\n  - back -> front\n`);
  await writeFile(join(dir, 'plain.topology.yaml'), `services:\n  front: ${service()}\n  back: ${service()}\nedges:\n  - front -> back\n`);
  await writeFile(join(dir, 'aware.topology.yaml'), `services:\n  front: ${service(true)}\n  back: ${service()}\nedges:\n  - front -> back\n`);
  await writeFile(join(dir, 'no-link.topology.yaml'), `services:\n  front: ${service()}\n  back: ${service()}\nedges: []\n`);
  await writeFile(join(dir, 'cyclic.yaml'), scenario('cyclic.topology.yaml'));
  await writeFile(join(dir, 'plain.yaml'), scenario('plain.topology.yaml'));
  await writeFile(join(dir, 'aware.yaml'), scenario('aware.topology.yaml'));
  await writeFile(join(dir, 'bad-profile.yaml'), scenario('aware.topology.yaml', 'profile: resilent\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the validation gate', () => {
  it('accepts the fixtures it is not meant to reject (so the rejections below are about one thing)', async () => {
    const { code, stderr } = await cli(['validate', join(dir, 'plain.yaml'), join(dir, 'aware.yaml')]);
    expect(stderr).toBe('');
    expect(code).toBe(ExitCode.Ok);
  });

  it('rejects a cyclic topology, located at the edge that closes the cycle', async () => {
    const direct = await cli(['validate', join(dir, 'cyclic.topology.yaml')]);
    expect(direct.code).toBe(ExitCode.Usage);
    expect(direct.stderr).toContain(`${join(dir, 'cyclic.topology.yaml')}:6:5 edges[1]: dependency cycle front -> back -> front`);
    const viaScenario = await cli(['validate', join(dir, 'cyclic.yaml')]);
    expect(viaScenario.code).toBe(ExitCode.Usage);
    expect(viaScenario.stderr).toContain('cyclic.topology.yaml:6:5 edges[1]: dependency cycle');
  });

  it('holds a scenario against the --topology that replaces its own: a link it lacks is located in the scenario', async () => {
    const { code, stderr } = await cli(['validate', join(dir, 'plain.yaml'), '--topology', join(dir, 'no-link.topology.yaml')]);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toMatch(new RegExp(`${join(dir, 'plain.yaml')}:5:\\d+ faults\\[0\\]\\.link: unknown link 'front -> back'`));
  });

  it('rejects an unknown profile on the command line (validate, plan, compare) and in the file', async () => {
    for (const args of [
      ['validate', join(dir, 'aware.yaml'), '--profile', 'bogus'],
      ['plan', join(dir, 'aware.yaml'), '--profile', 'bogus'],
      ['compare', join(dir, 'aware.yaml'), '--profiles', 'naive,bogus'],
      ['k6', 'export', join(dir, 'aware.yaml'), '--profile', 'bogus'],
    ]) {
      const { code, stderr } = await cli(args);
      expect(code, args.join(' ')).toBe(ExitCode.Usage);
      expect(stderr, args.join(' ')).toContain("unknown profile 'bogus'");
    }
    const inFile = await cli(['validate', join(dir, 'bad-profile.yaml')]);
    expect(inFile.code).toBe(ExitCode.Usage);
    expect(inFile.stderr).toMatch(/bad-profile\.yaml:3:10 profile: unknown profile 'resilent'.*resilient/);
  });

  it('leaves the profile alone on a topology with no faultline-aware service (it is only a label there)', async () => {
    expect((await cli(['validate', join(dir, 'plain.yaml'), '--profile', 'mine'])).code).toBe(ExitCode.Ok);
  });

  it('reports a missing file with its path and the directory searched', async () => {
    const missing = join(dir, 'absent.yaml');
    for (const args of [
      ['validate', missing],
      ['plan', missing],
      ['run', missing],
    ]) {
      const { code, stderr } = await cli(args);
      expect(code, args[0]).toBe(ExitCode.Usage);
      expect(stderr, args[0]).toContain(`no scenario file at ${missing}`);
    }
    const byName = await cli(['validate', 'absent-scenario']);
    expect(byName.code).toBe(ExitCode.Usage);
    expect(byName.stderr).toMatch(/no file at \S*absent-scenario, and no absent-scenario\.yaml in \S*scenarios \(named scenarios: baseline, /);
    const topology = await cli(['validate', join(dir, 'plain.yaml'), '--topology', join(dir, 'nope.topology.yaml')]);
    expect(topology.code).toBe(ExitCode.Usage);
    expect(topology.stderr).toContain(`--topology: no topology file at ${join(dir, 'nope.topology.yaml')}`);
  });

  it('makes run and compare reject each of these before starting any process', async () => {
    for (const args of [
      ['run', join(dir, 'cyclic.yaml')],
      ['run', join(dir, 'plain.yaml'), '--topology', join(dir, 'no-link.topology.yaml')],
      ['run', join(dir, 'aware.yaml'), '--profile', 'bogus'],
      ['run', join(dir, 'bad-profile.yaml')],
      ['run', join(dir, 'plain.yaml'), join(dir, 'absent.yaml')],
      ['compare', join(dir, 'aware.yaml'), '--profiles', 'naive,bogus'],
    ]) {
      const { code, stdout } = await cli([...args, '--time-scale', '0.5']);
      expect(code, args.join(' ')).toBe(ExitCode.Usage);
      expect(stdout, args.join(' ')).not.toContain('phase starting');
      expect(existsSync(marker()), args.join(' ')).toBe(false);
    }
  });
});
