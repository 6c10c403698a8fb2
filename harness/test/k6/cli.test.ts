import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ExitCode } from '../../src/cli/exit-code.ts';
import { captureIo } from '../scenario/capture.ts';

let tempDir: string | undefined;
afterEach(async () => {
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
  tempDir = undefined;
});

describe('faultline k6 export', () => {
  it('prints the script with the given base URL and time scale', async () => {
    const { io, text } = captureIo();
    const code = await main(['k6', 'export', 'dispatch-outage', '--time-scale', '0.5', '--base-url', 'http://10.0.0.7:8080'], io);
    expect(code).toBe(ExitCode.Ok);
    expect(text().stdout).toContain('"duration": "26s"');
    expect(text().stdout).toContain('__ENV.BASE_URL || "http://10.0.0.7:8080"');
  });

  it('writes the script to --out', async () => {
    tempDir = await mkdtemp(join(tmpdir(), 'faultline-k6-cli-'));
    const out = join(tempDir, 'dispatch-outage.k6.js');
    const { io } = captureIo();
    expect(await main(['k6', 'export', 'dispatch-outage', '--out', out], io)).toBe(ExitCode.Ok);
    expect(await readFile(out, 'utf8')).toContain("import http from 'k6/http';");
  });

  it.each([
    [['k6']],
    [['k6', 'import', 'dispatch-outage']],
    [['k6', 'export']],
    [['k6', 'export', 'dispatch-outage', '--base-url', 'gateway:8080']],
    [['k6', 'export', 'dispatch-outage', '--time-scale', '0']],
    [['k6', 'export', 'no-such-scenario']],
  ])('exits 2 on a usage error: %j', async (argv) => {
    const { io, text } = captureIo();
    expect(await main(argv, io)).toBe(ExitCode.Usage);
    expect(text().stdout).toBe('');
  });
});
