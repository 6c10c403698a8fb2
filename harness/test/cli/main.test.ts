import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { captureIo as capture } from '../scenario/capture.ts';

describe('faultline CLI entry', () => {
  it('answers an unknown command with usage and exit code 2', async () => {
    const c = capture();
    const code = await main(['no-such-command'], c.io);
    expect(code).toBe(2);
    expect(c.text().stderr).toContain("unknown command 'no-such-command'");
  });

  it('prints its version from package.json', async () => {
    const c = capture();
    expect(await main(['--version'], c.io)).toBe(0);
    expect(c.text().stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  for (const command of ['run', 'compare', 'plan']) {
    it(`answers '${command} --time-scale -1' with the same clear message as '--time-scale=-1', not the help`, async () => {
      const spaced = capture();
      const joined = capture();
      expect(await main([command, 'dispatch-outage', '--time-scale', '-1'], spaced.io)).toBe(2);
      expect(await main([command, 'dispatch-outage', '--time-scale=-1'], joined.io)).toBe(2);
      expect(spaced.text().stderr).toMatch(/^faultline: --time-scale expects a factor .*, got '-1'\n$/);
      expect(spaced.text().stderr).toBe(joined.text().stderr);
    });
  }

  it('still treats a dash word after an option as the next flag (only negative numbers are values)', async () => {
    const c = capture();
    expect(await main(['plan', 'dispatch-outage', '--seed', '--time-scale', '0.5'], c.io)).toBe(2);
    expect(c.text().stderr).toMatch(/--seed/);
  });
});

describe('the faultline bin', () => {
  it('stops quietly when its reader goes away (faultline list | head -1)', () => {
    const bin = fileURLToPath(new URL('../../../bin/faultline.js', import.meta.url));
    const out = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" list | head -1`], { encoding: 'utf8', timeout: 30_000 });
    expect(out.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(out.stderr).not.toContain('EPIPE');
    expect(out.status).toBe(0);
  });
});
