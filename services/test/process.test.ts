import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

const secret = 'process-test-secret-0123456789';
const readyLine = /^\{"event":"listening","service":"passenger","url":"http:\/\/127\.0\.0\.1:\d+","pid":\d+\}$/;

/** Starts the real passenger process and waits for its ready line. */
async function startPassenger(env: Record<string, string> = {}) {
  const entry = fileURLToPath(new URL('../passenger/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, PORT: '0', ...env }, stdio: 'pipe' });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exited.then(() => reject(new Error('exited before its ready line')));
  });
  return { child, line, url: (JSON.parse(line) as { url: string }).url, exited };
}

describe('a service process', () => {
  it('announces itself in exactly one machine-readable line and shows its address in /health', async () => {
    const { line, url, child } = await startPassenger({ FAULTLINE_PROFILE: 'naive' });
    expect(line).toMatch(readyLine);
    expect(JSON.parse(line).pid).toBe(child.pid);
    const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', service: 'passenger', url, port: Number(new URL(url).port), profile: 'naive' });
  });

  it('on SIGTERM stops accepting, finishes the request in flight, and exits 0', async () => {
    const { child, url, exited } = await startPassenger({ FAULTLINE_ADMIN_SECRET: secret });
    const hooked = await fetch(`${url}/__faultline/fault`, {
      method: 'PUT',
      headers: { 'x-faultline-secret': secret },
      body: JSON.stringify({ status: 0, rate: 1, delayMs: 600 }),
    });
    expect(hooked.status).toBe(200);
    const inFlight = fetch(`${url}/passengers/p-1`).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body.id).toBe('p-1');
    expect(await exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('has a fault hook only when started with FAULTLINE_ADMIN_SECRET, and then only for requests carrying it', async () => {
    const [without, withSecret] = await Promise.all([startPassenger({ FAULTLINE_ADMIN_SECRET: '' }), startPassenger({ FAULTLINE_ADMIN_SECRET: secret })]);
    expect((await fetch(`${without.url}/__faultline/fault`, { headers: { 'x-faultline-secret': secret } })).status).toBe(404);
    expect((await fetch(`${withSecret.url}/__faultline/fault`)).status).toBe(401);
    expect((await fetch(`${withSecret.url}/__faultline/fault`, { headers: { 'x-faultline-secret': secret } })).status).toBe(200);
  });

  it('refuses to start with a secret too short to be one (exit 2, naming the variable)', async () => {
    const entry = fileURLToPath(new URL('../passenger/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { env: { ...process.env, PORT: '0', FAULTLINE_ADMIN_SECRET: 'hunter2' }, stdio: 'pipe' });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toContain('FAULTLINE_ADMIN_SECRET');
  });

  it('exits when its parent’s end of stdin closes, if asked to watch it', async () => {
    const { child, exited } = await startPassenger({ FAULTLINE_PARENT_WATCH: 'stdin' });
    child.stdin.end();
    expect(await exited).toEqual({ code: 0, signal: null });
  });
});
