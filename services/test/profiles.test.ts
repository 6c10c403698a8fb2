import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinProfiles, profileNames } from '../lib/profile/builtin.ts';
import { builtinProfile, loadProfileFile, ProfileError, profileFromEnv } from '../lib/profile/load.ts';
import { policyFor } from '../lib/profile/schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('policy profiles', () => {
  it('naive has no policy at all; timeouts only timeouts; retries adds naive retries; resilient has everything', () => {
    for (const dep of ['trip', 'passenger', 'dispatch', 'notification']) {
      expect(policyFor(builtinProfiles.naive, dep)).toEqual({});
      expect(Object.keys(policyFor(builtinProfiles.timeouts, dep))).toEqual(['timeoutMs']);
      const retries = policyFor(builtinProfiles.retries, dep);
      expect(retries.retry).toMatchObject({ backoff: 'constant', jitter: false, onlyIdempotent: false });
      expect(retries.retry?.budget).toBeUndefined();
      const resilient = policyFor(builtinProfiles.resilient, dep);
      expect(resilient.timeoutMs).toBeGreaterThan(0);
      expect(resilient.retry).toMatchObject({ jitter: true, onlyIdempotent: true });
      expect(resilient.retry?.budget).toBeDefined();
      expect(resilient.bulkhead).toBeDefined();
      expect(resilient.breaker).toBeDefined();
    }
    expect(builtinProfiles.resilient.idempotencyKeys).toBe(true);
    expect(builtinProfiles.retries.idempotencyKeys).toBe(false);
    expect(profileNames).toEqual(['naive', 'timeouts', 'retries', 'resilient']);
  });

  it('is chosen by FAULTLINE_PROFILE, defaulting to resilient, and a file wins over a name', () => {
    expect(profileFromEnv({}).name).toBe('resilient');
    expect(profileFromEnv({ FAULTLINE_PROFILE: 'naive' }).name).toBe('naive');
    const file = write('mine.json', JSON.stringify({ name: 'mine' }));
    expect(profileFromEnv({ FAULTLINE_PROFILE: 'naive', FAULTLINE_PROFILE_FILE: file }).name).toBe('mine');
    expect(() => builtinProfile('sturdy')).toThrow(/unknown profile 'sturdy'/);
  });

  it('reads a YAML file that extends a built-in and overrides single policies, null switching one off', () => {
    const file = write(
      'fast.yaml',
      ['name: fast', 'extends: resilient', 'dependencies:', '  passenger:', '    timeoutMs: 50', '    breaker: null', ''].join('\n'),
    );
    const profile = loadProfileFile(file);
    const passenger = policyFor(profile, 'passenger');
    expect(passenger.timeoutMs).toBe(50);
    expect(passenger.breaker).toBeNull();
    expect(passenger.bulkhead).toEqual(builtinProfiles.resilient.dependencies['passenger']!.bulkhead);
    expect(profile.idempotencyKeys).toBe(true);
  });

  it('rejects a bad file naming the file, the line and every bad field', () => {
    const file = write('bad.yaml', ['name: bad', 'dependencies:', '  passenger:', '    timeoutMs: -5', '    retry: { maxRetries: 2 }', ''].join('\n'));
    let error: unknown;
    try {
      loadProfileFile(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProfileError);
    const message = (error as Error).message;
    expect(message).toContain(`${file}:4:16 dependencies.passenger.timeoutMs`);
    expect(message).toContain('dependencies.passenger.retry.backoff');
  });

  it('a service started with a bad profile file exits with code 2 and says why', async () => {
    const file = write('broken.json', JSON.stringify({ name: 'broken', dependencies: { passenger: { bulkhead: { limit: 'many', queue: 1 } } } }));
    const entry = fileURLToPath(new URL('../passenger/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      env: { ...process.env, FAULTLINE_PROFILE_FILE: file, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain(file);
    expect(stderr).toContain('dependencies.passenger.bulkhead.limit');
  });
});
