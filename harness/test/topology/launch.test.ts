import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FaultlineError } from '../../src/errors.ts';
import type { ManagedService } from '../../src/topology/model.ts';
import { launchService, type RunningService } from '../../src/topology/launch.ts';
import { repoPath, tsNodeArgs } from '../../src/util/tsx.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-launch-'));
const running: RunningService[] = [];
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.kill()));
  for (const c of cleanups.splice(0)) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string, source: string): string {
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

function service(name: string, command: string[], faultlineAware: boolean, env: Record<string, string> = {}): ManagedService {
  return { kind: 'managed', name, health: '/health', command, env, cwd: repoPath('.'), faultlineAware, portEnv: 'PORT', startTimeoutMs: 10_000 };
}

const passenger = (env: Record<string, string> = {}) =>
  service('passenger', [process.execPath, ...tsNodeArgs(repoPath('services/passenger/main.ts'))], true, env);

/** A plain service that knows nothing of faultline: PORT in, /health out. */
const plainServer = fixture(
  'plain.mjs',
  `import { createServer } from 'node:http';
   createServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end('ok')).listen(Number(process.env.PORT), '127.0.0.1');`,
);

/** Whether a process is alive (a zombie awaiting reaping counts as dead). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function occupiedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as { port: number }).port;
}

describe('launchService', () => {
  it('starts a faultline-aware service, which is reachable at the announced URL, and stops it', async () => {
    const lines: string[] = [];
    const started = performance.now();
    const svc = await launchService({ service: passenger(), env: { FAULTLINE_PROFILE: 'timeouts' }, onOutput: (line) => lines.push(line) });
    running.push(svc);
    const startupMs = performance.now() - started;
    expect(svc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines[0]).toContain('"event":"listening"');
    const health = (await (await fetch(`${svc.url}/health`)).json()) as { profile: string; pid: number };
    expect(health).toMatchObject({ profile: 'timeouts', pid: svc.pid });
    expect(startupMs).toBeLessThan(10_000);
    await svc.stop();
    expect(await svc.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${svc.url}/health`)).rejects.toThrow();
    await svc.stop(); // idempotent
  });

  it('gives each faultline-aware launch its own fault-hook secret, which adminHeaders() carries', async () => {
    // An inherited secret (ours, or a topology's env) must not stand in for the launch's own.
    const [first, second] = await Promise.all([
      launchService({ service: passenger({ FAULTLINE_ADMIN_SECRET: 'inherited-secret-0123456789' }), env: {} }),
      launchService({ service: passenger(), env: {} }),
    ]);
    running.push(first, second);
    const hook = (svc: RunningService, headers: Record<string, string>) => fetch(`${svc.url}/__faultline/fault`, { headers }).then((r) => r.status);
    expect(Object.keys(first.adminHeaders())).toEqual(['x-faultline-secret']);
    expect(first.adminHeaders()['x-faultline-secret']).toMatch(/^[0-9a-f]{64}$/);
    expect(first.adminHeaders()).not.toEqual(second.adminHeaders());
    expect(await hook(first, first.adminHeaders())).toBe(200);
    expect(await hook(first, {})).toBe(401);
    expect(await hook(first, second.adminHeaders())).toBe(401);
    expect(await hook(first, { 'x-faultline-secret': 'inherited-secret-0123456789' })).toBe(401);
  });

  it('starts a faultline-aware service with the secret it is given, or without its hook (adminSecret: false)', async () => {
    const [given, off] = await Promise.all([
      launchService({ service: passenger(), env: {}, adminSecret: 'given-secret-0123456789' }),
      launchService({ service: passenger({ FAULTLINE_ADMIN_SECRET: 'inherited-secret-0123456789' }), env: {}, adminSecret: false }),
    ]);
    running.push(given, off);
    expect(given.adminHeaders()).toEqual({ 'x-faultline-secret': 'given-secret-0123456789' });
    expect((await fetch(`${given.url}/__faultline/fault`, { headers: given.adminHeaders() })).status).toBe(200);
    expect(off.adminHeaders()).toEqual({});
    expect((await fetch(`${off.url}/__faultline/fault`, { headers: { 'x-faultline-secret': 'inherited-secret-0123456789' } })).status).toBe(404);
  });

  it('gives a service that cannot announce itself a free PORT and waits for its health route', async () => {
    const svc = await launchService({ service: service('plain', [process.execPath, plainServer], false), env: {} });
    running.push(svc);
    expect((await fetch(`${svc.url}/health`)).status).toBe(200);
    await svc.stop(500);
    expect(isAlive(svc.pid)).toBe(false);
  });

  it('reports a service that crashes at start as FL_SERVICE_START, quoting its stderr', async () => {
    const crash = fixture('crash.mjs', `console.error('boom: the database is on fire'); process.exit(4);`);
    const error = await launchService({ service: service('crashy', [process.execPath, crash], true), env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FaultlineError);
    expect((error as FaultlineError).code).toBe('FL_SERVICE_START');
    expect((error as Error).message).toContain('service crashy');
    expect((error as Error).message).toContain('boom: the database is on fire');
    expect((error as Error).message).toContain('code 4');
  });

  it('reports a taken port as FL_PORT_IN_USE', async () => {
    const port = await occupiedPort();
    const error = await launchService({ service: passenger(), env: {}, port }).catch((e: unknown) => e);
    expect((error as FaultlineError).code).toBe('FL_PORT_IN_USE');
  });

  it('gives up on a service that never becomes healthy, leaving nothing running', async () => {
    const pidFile = join(dir, 'mute.pid');
    const mute = fixture(
      'mute.mjs',
      `import { writeFileSync } from 'node:fs'; writeFileSync(process.env.PID_FILE, String(process.pid)); setInterval(() => {}, 1000);`,
    );
    const error = await launchService({ service: service('mute', [process.execPath, mute], true), env: { PID_FILE: pidFile }, startTimeoutMs: 800 }).catch(
      (e: unknown) => e,
    );
    expect((error as FaultlineError).code).toBe('FL_SERVICE_START');
    expect((error as Error).message).toContain('within 800 ms');
    expect(isAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('the child exits when the parent that launched it is SIGKILLed', async () => {
    const launchModule = fileURLToPath(new URL('../../src/topology/launch.ts', import.meta.url));
    const entry = repoPath('services/passenger/main.ts');
    const parentScript = fixture(
      'parent.mts',
      `import { launchService } from ${JSON.stringify(launchModule)};
       const svc = await launchService({ service: { kind: 'managed', name: 'passenger', health: '/health', command: [process.execPath, '--import', 'tsx', ${JSON.stringify(entry)}], env: {}, cwd: ${JSON.stringify(repoPath('.'))}, faultlineAware: true, portEnv: 'PORT', startTimeoutMs: 10000 }, env: {} });
       console.log(JSON.stringify({ pid: svc.pid, url: svc.url }));
       setInterval(() => {}, 1000);`,
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', parentScript], { cwd: repoPath('.'), stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => parent.exitCode === null && parent.signalCode === null && parent.kill('SIGKILL'));
    const line = await new Promise<string>((resolve) => createInterface({ input: parent.stdout }).once('line', resolve));
    const child = JSON.parse(line) as { pid: number; url: string };
    cleanups.push(() => isAlive(child.pid) && process.kill(-child.pid, 'SIGKILL'));
    expect((await fetch(`${child.url}/health`)).status).toBe(200);

    parent.kill('SIGKILL');
    for (let i = 0; i < 100 && isAlive(child.pid); i++) await sleep(100);
    expect(isAlive(child.pid)).toBe(false);
  });
});
