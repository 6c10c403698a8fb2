import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/api/run-scenario.ts';
import { launchService } from '../../src/topology/launch.ts';
import type { ManagedService } from '../../src/topology/model.ts';
import { replaceFileWriter, writeTextFile } from '../../src/util/write-text-file.ts';
import { processesTagged, startCli, waitFor } from '../run/helpers.ts';

/**
 * Faults of faultline's own environment: each ends in a clear error and exit 3 (or, for a
 * flooding service, a completed run), with nothing left running and what was already written
 * intact. Services inherit the runner's environment: a tag in it finds every process started.
 */
const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const tag = `environment-faults-${process.pid}`;
let scratch: string;

beforeAll(async () => {
  process.env.FAULTLINE_TEST_TAG = tag;
  scratch = await mkdtemp(join(tmpdir(), 'faultline-env-'));
});
afterAll(async () => {
  delete process.env.FAULTLINE_TEST_TAG;
  await rm(scratch, { recursive: true, force: true });
});

const nothingLeft = () => waitFor(() => processesTagged('FAULTLINE_TEST_TAG', tag).length === 0, 5000);

describe('an unwritable result folder', () => {
  it('is refused before anything starts: exit 3, naming the folder (a path under a file: ENOTDIR, whoever runs)', async () => {
    const file = join(scratch, 'a-file');
    await writeFile(file, 'not a folder');
    const out = join(file, 'results');
    const cli = startCli(['run', fixture('pair.yaml'), '--out', out], { FAULTLINE_TEST_TAG: tag });
    const { code } = await cli.exited;
    expect(code).toBe(3);
    expect(cli.output()).toContain(`cannot write into the folder ${out}: a part of the path is a file, not a folder (ENOTDIR)`);
    // Checked before the stack: no service was ever started.
    expect(cli.output()).not.toContain('phase services');
    expect(await nothingLeft()).toBe(true);
  });

  // Root ignores permission bits (CAP_DAC_OVERRIDE), so a 0555 folder stops only other users;
  // the ENOTDIR case above covers root.
  it.skipIf(process.getuid?.() === 0)('is refused when its permissions forbid writing (chmod 0555)', async () => {
    const locked = join(scratch, 'locked');
    await writeFile(join(scratch, 'placeholder'), '');
    await import('node:fs/promises').then((fs) => fs.mkdir(locked));
    await chmod(locked, 0o555);
    try {
      const cli = startCli(['run', fixture('pair.yaml'), '--out', join(locked, 'out')]);
      expect((await cli.exited).code).toBe(3);
      expect(cli.output()).toContain(`cannot write into the folder ${join(locked, 'out')}: permission denied (EACCES)`);
    } finally {
      await chmod(locked, 0o755);
    }
  });
});

describe('a full disk while the results are written', () => {
  it('throws FL_ENVIRONMENT naming the file, keeps what was written before whole, leaves no temporary and nothing running', { timeout: 90_000 }, async () => {
    const out = join(scratch, 'full-disk');
    await import('node:fs/promises').then((fs) => fs.mkdir(out));
    await writeFile(join(out, 'report.html'), 'the previous report');
    // The disk "fills up" when report.html, the last file of the folder, is written.
    const restore = replaceFileWriter({
      writeFile: async (file, text) => {
        if (file.includes('report.html')) {
          await writeFile(file, text.slice(0, 100)); // half a file reaches the disk, then ENOSPC
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        await writeFile(file, text);
      },
      rename: (from, to) => import('node:fs/promises').then((fs) => fs.rename(from, to)),
    });
    let verdictShown: string | undefined;
    try {
      // `events` runs after the file reporters, as the console does: it still gets the verdict.
      const events = { onResult: (result: { verdict: string }) => void (verdictShown = result.verdict) };
      await expect(runScenario({ scenario: fixture('pair.yaml'), outDir: out, events })).rejects.toMatchObject({
        code: 'FL_ENVIRONMENT',
        message: expect.stringContaining(`cannot write the file ${join(out, 'report.html')}: no space left on the device (ENOSPC)`),
      });
    } finally {
      restore();
    }
    expect(verdictShown).toBe('pass');
    // Written before the failure, whole; the failed file is the previous one; no temporary.
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toMatchObject({ scenario: { name: 'pair' } });
    expect(JSON.parse(readFileSync(join(out, 'recording.json'), 'utf8'))).toMatchObject({ recording: { scenario: 'pair' } });
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('</testsuites>');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe('the previous report');
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await nothingLeft()).toBe(true);
  });

  it('never leaves half a file: a failed rename keeps the previous content and removes the temporary', async () => {
    const file = join(scratch, 'atomic.json');
    await writeTextFile(file, 'first');
    const restore = replaceFileWriter({
      writeFile: (path, text) => writeFile(path, text),
      rename: () => Promise.reject(Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' })),
    });
    try {
      await expect(writeTextFile(file, 'second')).rejects.toThrow(`cannot write the file ${file}: EIO: i/o error, rename (EIO)`);
    } finally {
      restore();
    }
    expect(await readFile(file, 'utf8')).toBe('first');
    expect(readdirSync(scratch).filter((f) => f.startsWith('atomic.json.'))).toEqual([]);
  });
});

describe('a port taken between the pick and the bind', () => {
  const service: ManagedService = {
    kind: 'managed',
    name: 'api',
    health: '/',
    command: [process.execPath, fixture('server.mjs')],
    env: {},
    cwd: fixture('.'),
    faultlineAware: false,
    portEnv: 'PORT',
    startTimeoutMs: 30_000,
  };
  let squatter: TcpServer;
  let taken: number;
  beforeAll(async () => {
    // It accepts and drops connections (the health poll tries the port too), so it closes at once.
    squatter = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    taken = (squatter.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => squatter.close(() => resolve())));

  it('is picked again: the service starts on another port', { timeout: 60_000 }, async () => {
    let picks = 0;
    const { freePort } = await import('../../src/topology/launch.ts');
    const running = await launchService({ service, env: {}, pickPort: async () => (++picks === 1 ? taken : freePort()) });
    try {
      expect(picks).toBe(2);
      expect(new URL(running.url).port).not.toBe(String(taken));
      expect((await fetch(running.url)).status).toBe(200);
    } finally {
      await running.stop();
    }
  });

  it('gives up after three picks with FL_PORT_IN_USE naming the port, nothing left running', { timeout: 60_000 }, async () => {
    let picks = 0;
    await expect(launchService({ service, env: {}, pickPort: async () => (picks++, taken) })).rejects.toMatchObject({
      code: 'FL_PORT_IN_USE',
      message: expect.stringContaining(`service api could not listen: port ${taken} in use`),
    });
    expect(picks).toBe(3);
    expect(await nothingLeft()).toBe(true);
  });
});

describe('a service that floods its stdout', () => {
  const flood: ManagedService = {
    kind: 'managed',
    name: 'flood',
    health: '/',
    command: [process.execPath, fixture('flood.mjs')],
    env: {},
    cwd: fixture('.'),
    faultlineAware: false,
    portEnv: 'PORT',
    startTimeoutMs: 30_000,
  };

  it('costs bounded memory: 256 MiB stream through, long lines are cut', { timeout: 120_000 }, async () => {
    const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
    const before = rssMb();
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 20);
    const lines: string[] = [];
    // The service is healthy once its flood is through; a busy machine may take a while.
    const running = await launchService({ service: flood, env: {}, startTimeoutMs: 90_000, onOutput: (line) => lines.push(line) }).finally(() =>
      clearInterval(sampler),
    );
    await running.stop();
    // The runner's memory grew by far less than what went through (generous: GC timing varies) …
    // Measured: ~70 MB (chunks in flight before the GC frees them); ~545 MB with unbounded lines.
    expect(peak - before).toBeLessThan(200);
    const dropped = lines.reduce((sum, line) => sum + Number(/\[(\d+) more bytes of this line dropped\]$/.exec(line)?.[1] ?? 0), 0);
    // … and the whole flood went through (two 128 MiB lines, each kept to 16 KiB).
    expect(lines).toContain('flood done: 256 MiB');
    expect(dropped).toBeGreaterThan(250 * 1024 * 1024);
    expect(await nothingLeft()).toBe(true);
  });

  it('does not stop a run: a scenario on a flooding service completes', { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const { result } = await runScenario({ scenario: fixture('flood.yaml'), outDir: false, onServiceOutput: (_service, line) => lines.push(line) });
    expect(result.status).toBe('completed');
    expect(lines).toContain('flood done: 32 MiB');
    expect(await nothingLeft()).toBe(true);
  });
});

describe('a Toxiproxy that fails (external, --toxiproxy)', () => {
  /** A fake Toxiproxy: answers /version, and every other call as `mode` says. */
  async function fakeToxiproxy(mode: 'error-500' | 'silent'): Promise<{ url: string; calls: string[]; close(): Promise<void> }> {
    const calls: string[] = [];
    const server: Server = createServer((req, res) => {
      calls.push(`${req.method} ${req.url}`);
      if (req.url === '/version') return void res.end('{"version": "2.12.0"}\n');
      if (mode === 'error-500') {
        res.writeHead(500, { 'content-type': 'text/plain' });
        return void res.end('{"error":"disk on fire","status":500}\n');
      }
      // silent: never answers (the request stays open until the server closes)
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    return {
      url,
      calls,
      close: () => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  for (const mode of ['error-500', 'silent'] as const) {
    it(
      `${mode === 'silent' ? 'answering too slowly' : 'answering 500'}: exit 3 naming the URL and the call, services stopped`,
      { timeout: 90_000 },
      async () => {
        const fake = await fakeToxiproxy(mode);
        try {
          const cli = startCli(['run', fixture('pair.yaml'), '--toxiproxy', fake.url, '--out', join(scratch, `tp-${mode}`)], {
            FAULTLINE_TEST_TAG: tag,
            FAULTLINE_STATE_DIR: join(scratch, `state-${mode}`),
            FAULTLINE_TOXIPROXY_TIMEOUT_MS: '1000',
          });
          const { code } = await cli.exited;
          expect(code).toBe(3);
          const expected =
            mode === 'silent'
              ? `Toxiproxy at ${fake.url}: POST /populate failed (no answer within 1000 ms)`
              : `Toxiproxy at ${fake.url} answered 500 to POST /populate: `;
          expect(cli.output()).toContain(expected);
          expect(cli.output()).not.toContain('internal error');
          expect(fake.calls).toContain('POST /populate');
          // The backend was started before its caller's proxy failed; it is stopped.
          expect(await nothingLeft()).toBe(true);
          expect(existsSync(join(scratch, `tp-${mode}`, 'result.json'))).toBe(false);
        } finally {
          await fake.close();
        }
      },
    );
  }
});
