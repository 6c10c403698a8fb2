import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { captureIo } from '../scenario/capture.ts';
import { fixture } from '../run/helpers.ts';

// Every case here fails before anything is started: k6 is checked (and a user's script
// inspected) before the system comes up, so each answers in the time of a `k6 version`.
const standIn = join(import.meta.dirname, 'stand-in', 'k6');
const scenario = fixture('short-outage.yaml');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-k6-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string> = {}) {
  const { io, text } = captureIo();
  const code = await main(argv, { ...io, env });
  return { code, ...text() };
}

describe('run --load k6 when k6 cannot run the load', () => {
  it('exits 3 with how to install k6 when there is none', async () => {
    const { code, stderr, stdout } = await run(['run', scenario, '--load', 'k6', '--k6', join(dir, 'no-such-k6')]);
    expect(code).toBe(3);
    expect(stderr).toContain('k6 not found');
    expect(stderr).toContain('Install k6');
    expect(stderr).toContain('--k6 PATH or K6_BIN');
    expect(stdout).not.toContain('phase'); // nothing was started
  });

  it('exits 3 naming both versions when k6 is older than 0.48', async () => {
    const old = join(dir, 'old-k6');
    await writeFile(old, `#!/bin/sh\nK6_STAND_IN_VERSION=0.47.0 exec ${JSON.stringify(standIn)} "$@"\n`);
    await chmod(old, 0o755);
    const { code, stderr } = await run(['run', scenario, '--load', 'k6'], { K6_BIN: old });
    expect(code).toBe(3);
    expect(stderr).toMatch(/k6 v0\.47\.0 .* older than v0\.48\.0/);
  });

  it("exits 2 with k6's own message when k6 rejects the script", async () => {
    const script = join(dir, 'broken.js');
    await writeFile(script, "import http from 'k6/http';\nexport default function () {\n  http.get('http://x' +);\n}\n");
    const { code, stderr } = await run(['run', scenario, '--load', 'k6', '--k6', standIn, '--k6-script', script]);
    expect(code).toBe(2);
    expect(stderr).toContain('k6 rejected the script');
    expect(stderr).toContain('(exit 107)');
    expect(stderr).toMatch(/SyntaxError: .*broken\.js: .*\(3:\d+\)/);
  });

  it('checks the load options when it parses them', async () => {
    expect(await run(['run', scenario, '--load', 'gatling'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--load expects builtin or k6, got 'gatling'"),
    });
    expect(await run(['run', scenario, '--k6', standIn])).toMatchObject({ code: 2, stderr: expect.stringContaining('--k6 and --k6-script go with --load k6') });
    expect(await run(['run', scenario, '--load', 'k6', '--k6-script', join(dir, 'missing.js')])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('missing.js: no such file'),
    });
    expect(await run(['compare', scenario, '--profiles', 'naive,resilient', '--load', 'jmeter'])).toMatchObject({ code: 2 });
  });
});
