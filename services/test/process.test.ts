import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

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
    const { child, url, exited } = await startPassenger();
    await fetch(`${url}/__faultline/fault`, { method: 'PUT', body: JSON.stringify({ status: 0, rate: 1, delayMs: 600 }) });
    const inFlight = fetch(`${url}/passengers/p-1`).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string } }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(answer.body.id).toBe('p-1');
    expect(await exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('exits when its parent’s end of stdin closes, if asked to watch it', async () => {
    const { child, exited } = await startPassenger({ FAULTLINE_PARENT_WATCH: 'stdin' });
    child.stdin.end();
    expect(await exited).toEqual({ code: 0, signal: null });
  });
});
