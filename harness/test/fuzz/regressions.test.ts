import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, MAX_NESTING_DEPTH } from '../../src/document/limits.ts';
import { sourceFromBytes } from '../../src/document/source.ts';
import { parseSloExpression } from '../../src/scenario/slo-grammar.ts';
import { repoPath } from '../../src/util/tsx.ts';
import { aliasBomb } from '../../fuzz/documents.ts';
import { sendRaw, startFuzzServer } from '../../fuzz/toxiproxy-api.ts';

/** One test per bug the fuzzer found (or an edge case the brief names), with its minimal input. */

const file = '/fuzz/scenario.yaml';
const issuesOf = (text: string | Uint8Array) => sourceFromBytes(file, typeof text === 'string' ? Buffer.from(text) : text).issues;
const elapsed = (run: () => unknown): number => {
  const start = performance.now();
  run();
  return performance.now() - start;
};

describe('YAML inputs the fuzzer found or the brief names', () => {
  it('refuses deep nesting, located, and survives it twice in one process (the second overflow used to abort V8)', () => {
    for (let i = 0; i < 3; i++) {
      const [issue] = issuesOf(`load: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
      expect(issue).toMatchObject({ file, line: 1, column: 7 + MAX_NESTING_DEPTH - 1 });
      expect(issue!.message).toContain(`nested more than ${MAX_NESTING_DEPTH} deep`);
    }
    const block = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    expect(issuesOf(`${block} 1\n`)[0]).toMatchObject({ line: MAX_NESTING_DEPTH + 1 });
  });

  it('accepts nesting up to the limit', () => {
    const depth = MAX_NESTING_DEPTH - 1; // the root map is one level
    expect(issuesOf(`a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`)).toEqual([]);
  });

  it('refuses a "billion laughs" alias bomb quickly, with a located issue', () => {
    let issues: ReturnType<typeof issuesOf> = [];
    const ms = elapsed(() => (issues = issuesOf(aliasBomb(9, 9))));
    expect(issues[0]!.message).toMatch(/Excessive alias count/);
    // Expanded it would be 9^9 = 387 million strings; refused it takes milliseconds (bound generous).
    expect(ms).toBeLessThan(2000);
  });

  it('refuses aliases that stack depth or point into themselves', () => {
    expect(issuesOf('a: &a [*a]\n')[0]!.message).toMatch(/aliases nest the data too deep \(or into itself\)/);
    // Each line nests 30 deep (under the limit), the aliases stack them to 91.
    const wrap = (inner: string) => `${'['.repeat(30)}${inner}${']'.repeat(30)}`;
    expect(issuesOf(`a0: &a0 ${wrap('x')}\na1: &a1 ${wrap('*a0')}\na2: ${wrap('*a1')}\n`)[0]!.message).toMatch(/too deep/);
  });

  it('reports invalid UTF-8 with the line and column of the bad byte', () => {
    const bytes = Buffer.concat([Buffer.from('seed: 1\nname: "h\u00e9'), Buffer.from([0xff]), Buffer.from('"\n')]);
    const [issue] = issuesOf(bytes);
    expect(issue).toMatchObject({ file, line: 2, column: 10 });
    expect(issue!.message).toContain('not valid UTF-8');
    expect(issue!.message).toContain('at byte 18');
  });

  it('refuses a 10 MB file quickly, saying the limit', () => {
    let issues: ReturnType<typeof issuesOf> = [];
    const ms = elapsed(() => (issues = issuesOf(`name: ${'x'.repeat(10_000_000)}\n`)));
    expect(issues).toEqual([expect.objectContaining({ line: 1, column: 1, message: expect.stringContaining(`limited to ${MAX_FILE_BYTES} bytes`) })]);
    expect(ms).toBeLessThan(2000);
  });

  it('handles the slowest files under the size limit in bounded time (at 4 MiB they took 40 s and more)', () => {
    // Duplicate keys (the yaml package checks them in quadratic time) and deep flow nesting
    // (its parser slows as the stack grows): ~0.5–1.6 s each at 64 KiB on the busy 2-core machine.
    const duplicates = 'k: v\n'.repeat(Math.floor(MAX_FILE_BYTES / 5));
    const brackets = '['.repeat(MAX_FILE_BYTES);
    for (const text of [duplicates, brackets]) {
      let issues: ReturnType<typeof issuesOf> = [];
      expect(elapsed(() => (issues = issuesOf(text)))).toBeLessThan(10_000);
      expect(issues.length).toBeGreaterThan(0);
    }
  });

  it('drops a byte-order mark: positions are those the author sees', () => {
    const source = sourceFromBytes(file, Buffer.from('\uFEFFseed: x\n'));
    expect(source.issue(['seed'], 'm')).toMatchObject({ line: 1, column: 7 });
  });

  it("refuses a '__proto__' key, located (a service so named passed zod's record and crashed the topology loader)", async () => {
    const { checkTopology } = await import('../../src/topology/load.ts');
    const source = sourceFromBytes(file, Buffer.from('services:\n  shop: {url: http://127.0.0.1:9000}\n  __proto__: ""\n'));
    expect(checkTopology(source).issues).toEqual([
      expect.objectContaining({ line: 3, column: 3, field: 'services.__proto__', message: expect.stringContaining('__proto__') }),
    ]);
  });

  it('keeps duplicate keys, tabs and several documents as located syntax errors', () => {
    expect(issuesOf('seed: 1\nseed: 2\n')[0]).toMatchObject({ line: 2, column: 1 });
    expect(issuesOf('load:\n\trate: 1/s\n')[0]).toMatchObject({ line: 2 });
    expect(issuesOf('a: 1\n---\nb: 2\n')[0]!.message).toContain('several YAML documents');
  });
});

describe('SLO expressions the fuzzer found', () => {
  it('refuses a threshold too large to be a number (it parsed as Infinity)', () => {
    const text = `p(99) < ${'9'.repeat(400)}ms`;
    const result = parseSloExpression(text);
    expect(result).toMatchObject({ ok: false, column: 9 });
    expect(result.ok || result.reason).toMatch(/too large/);
  });
});

describe('the embedded Toxiproxy under malformed requests', () => {
  it('answers 400 (or closes) to broken HTTP and keeps serving', async () => {
    const server = await startFuzzServer();
    try {
      for (const raw of [
        'GARBAGE\r\n\r\n',
        'GET / HTTP/9.9\r\n\r\n',
        'GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n',
        '\u0000\u00ff\r\n\r\n',
      ]) {
        const answer = await sendRaw(server.url, raw);
        expect(answer === '' || answer.startsWith('HTTP/1.1 400')).toBe(true);
      }
      expect((await fetch(`${server.url}/version`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('`faultline validate` as a process on hostile files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-fuzz-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports two deeply nested files and a non-UTF-8 one, located, with exit 2 (no crash)', async () => {
    const files = ['deep-a.yaml', 'deep-b.yaml', 'latin1.yaml'].map((f) => join(dir, f));
    writeFileSync(files[0]!, `${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    writeFileSync(files[1]!, `${'{a: '.repeat(5000)}1${'}'.repeat(5000)}\n`);
    writeFileSync(files[2]!, Buffer.from('description: caf\xe9\n', 'latin1'));
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [repoPath('bin/faultline.js'), 'validate', ...files], { timeout: 60_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
    expect(code).toBe(2);
    expect(stderr).toContain(`${files[0]}:1:${MAX_NESTING_DEPTH + 1} collections are nested more than ${MAX_NESTING_DEPTH} deep`);
    expect(stderr).toContain(`${files[1]}:1:`);
    expect(stderr).toContain(`${files[2]}:1:17 the file is not valid UTF-8: invalid byte sequence (0xe9 0x0a) at byte 16`);
    expect(stderr).not.toContain('internal error');
  });
});
