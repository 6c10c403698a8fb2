import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath } from '../../src/util/tsx.ts';
import { processesTagged } from '../run/helpers.ts';

/**
 * faultline as a user gets it: `npm pack`, installed from the tarball into a fresh project of
 * the user's own, with the user's own services and scenarios — and nothing of this repository
 * but the tarball. Every command runs in that project with plain Node: no tsx, no source.
 */
const run = promisify(execFile);
const tag = `package-install-${process.pid}`;
let work: string;
let project: string;
let tarball: string;
const timings: Record<string, number> = {};

/** The environment of a user's shell: none of this test run's vitest or npm variables, which
 * would leak into the project's own npm and vitest. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { FAULTLINE_TEST_TAG: tag };
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(VITEST|npm_|NODE_OPTIONS$|NODE_ENV$|TEST$)/i.test(key)) env[key] = value;
  }
  return env;
}

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await step();
  } finally {
    timings[label] = Math.round(performance.now() - started);
  }
}

/** Runs a command in the project; resolves with its output and exit code whatever the code. */
async function inProject(command: string, args: string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: project, env: userEnv(), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: `${e.stderr ?? ''}\n${String(error)}` };
  }
}

/** The user's back end: a plain Node http server that reads PORT, as services do. */
const backService = `import { createServer } from 'node:http';
const server = createServer((req, res) => {
  if (req.url === '/health') return res.writeHead(200).end('ok');
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: 3 }));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('back listening on ' + process.env.PORT));
`;

/** The user's front end: reads PORT and its back end's address from BACK_URL. */
const frontService = `import { createServer } from 'node:http';
const server = createServer(async (req, res) => {
  if (req.url === '/health') return res.writeHead(200).end('ok');
  try {
    const cart = await (await fetch(process.env.BACK_URL + '/cart', { signal: AbortSignal.timeout(2000) })).json();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, cart }));
  } catch (error) {
    res.writeHead(503).end(String(error));
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('front listening on ' + process.env.PORT));
`;

const topology = `# yaml-language-server: $schema=../node_modules/faultline/scenarios/topology.schema.json
services:
  front: {command: [node, app/front.mjs], cwd: ..}
  back: {command: [node, app/back.mjs], cwd: ..}
edges: [front -> back]
`;

const scenario = `# yaml-language-server: $schema=../node_modules/faultline/scenarios/scenario.schema.json
description: Checkout stays up while the cart service is slow.
topology: shop
load: {target: front, path: /checkout, rate: 10/s, duration: 6s, timeout: 3s}
faults:
  - {link: front -> back, type: latency, attributes: {latency: 150ms}, at: 2s, for: 2s}
slos:
  - expect: error_rate < 20%
  - expect: p(50) < 1.5s
    window: fault
`;

const vitestFile = `import { runScenario } from 'faultline';

test('checkout survives a slow cart service', async () => {
  const { result } = await runScenario({ scenario: 'checkout', timeScale: 0.5, outDir: false });
  expect(result.status).toBe('completed');
  expect(result.verdict).toBe('pass');
  expect(result.faults.map((f) => f.id)).toHaveLength(1);
}, 90_000);
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'faultline-package-'));
  project = join(work, 'shop');
  await mkdir(join(project, 'scenarios'), { recursive: true });
  await mkdir(join(project, 'app'));
  await mkdir(join(project, 'test'));
  // `npm pack` runs prepack (the build) and prints the tarball's name last.
  const packed = await timed('npm pack (with build)', () =>
    run('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: repoPath('.'), env: userEnv(), timeout: 200_000, maxBuffer: 16 * 1024 * 1024 }),
  );
  tarball = join(work, packed.stdout.trim().split('\n').at(-1)!);
  await run('npm', ['init', '-y'], { cwd: project, env: userEnv() });
  const manifest = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(project, 'package.json'), JSON.stringify({ ...manifest, type: 'module' }, null, 2));
  await timed('npm install <tarball>', () =>
    run('npm', ['install', '--save-dev', tarball, '--prefer-offline', '--no-audit', '--no-fund'], { cwd: project, env: userEnv(), timeout: 200_000 }),
  );
  await writeFile(join(project, 'app', 'back.mjs'), backService);
  await writeFile(join(project, 'app', 'front.mjs'), frontService);
  await writeFile(join(project, 'scenarios', 'shop.yaml'), topology);
  await writeFile(join(project, 'scenarios', 'checkout.yaml'), scenario);
  await writeFile(join(project, 'test', 'checkout.test.mjs'), vitestFile);
  await writeFile(join(project, 'vitest.config.mjs'), `export default { test: { globals: true, include: ['test/**/*.test.mjs'] } };\n`);
}, 420_000);

afterAll(async () => {
  console.log(`package install test timings (ms): ${JSON.stringify(timings)}`);
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarball installed into a fresh project', () => {
  it('holds compiled JavaScript, type declarations and schemas, and no TypeScript source nor tests', async () => {
    const installed = join(project, 'node_modules', 'faultline');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(manifest.dependencies).not.toHaveProperty('tsx');
    expect(existsSync(join(installed, 'dist', 'harness', 'src', 'index.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'harness', 'src', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'services', 'trip', 'main.js'))).toBe(true);
    expect(existsSync(join(installed, 'harness'))).toBe(false);
    expect(existsSync(join(installed, 'services'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'tsx'))).toBe(false);
    expect((await readdir(join(installed, 'scenarios'))).filter((f) => f.endsWith('.ts'))).toEqual([]);
    // The schemas at their stable subpaths, through the exports map.
    const resolved = await inProject('node', ['--input-type=module', '-e', "console.log(import.meta.resolve('faultline/topology.schema.json'))"]);
    expect(resolved.stdout.trim()).toBe(`file://${join(installed, 'scenarios', 'topology.schema.json')}`);
  });

  it("`npx faultline list` shows the project's scenario first and the built-in ones marked", async () => {
    const { code, stdout, stderr } = await timed('npx faultline list', () => inProject('npx', ['--no', 'faultline', 'list']));
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^checkout\s+Checkout stays up while the cart service is slow\.$/);
    expect(lines).toContainEqual(expect.stringMatching(/^dispatch-outage \(built-in\)\s+Dispatch is down/));
    expect(lines.some((line) => line.startsWith('shop'))).toBe(false); // a topology, not a scenario
  });

  it('`npx faultline validate` accepts the project scenario by name', async () => {
    const { code, stdout, stderr } = await timed('npx faultline validate', () => inProject('npx', ['--no', 'faultline', 'validate', 'checkout']));
    expect(code, stderr).toBe(0);
    expect(stdout.trim()).toBe(`ok ${join(project, 'scenarios', 'checkout.yaml')}`);
  });

  it(
    "`npx faultline run` runs the project's scenario against the project's services: exit 0, result.json and the services' logs",
    { timeout: 150_000 },
    async () => {
      const out = join(project, 'results', 'checkout-run');
      const { code, stdout, stderr } = await timed('npx faultline run', () =>
        inProject('npx', ['--no', 'faultline', 'run', 'checkout', '--time-scale', '0.5', '--out', out]),
      );
      expect(code, `${stdout}\n${stderr}`).toBe(0);
      const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { verdict: string; windows: { name: string; requests: number }[] };
      expect(result.verdict).toBe('pass');
      expect(result.windows.find((w) => w.name === 'whole')!.requests).toBeGreaterThan(20);
      expect(readFileSync(join(out, 'services', 'back.log'), 'utf8')).toMatch(/ out back listening on \d+\n/);
      expect(processesTagged('FAULTLINE_TEST_TAG', tag)).toEqual([]);
    },
  );

  it('runs a built-in scenario on the sample taxi app, compiled, from the installed package', { timeout: 150_000 }, async () => {
    const out = join(project, 'results', 'baseline-run');
    const { code, stdout, stderr } = await timed('npx faultline run baseline (taxi)', () =>
      inProject('npx', ['--no', 'faultline', 'run', 'baseline', '--time-scale', '0.1', '--out', out]),
    );
    // The verdict of a tenth of the scenario on a busy machine is not the point: that it ran is.
    expect([0, 1], `${stdout}\n${stderr}`).toContain(code);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { status: string; windows: { name: string; requests: number }[] };
    expect(result.status).toBe('completed');
    expect(result.windows.find((w) => w.name === 'whole')!.requests).toBeGreaterThan(60);
    expect(readFileSync(join(out, 'services', 'trip.log'), 'utf8')).toContain('"event":"listening"');
    expect(processesTagged('FAULTLINE_TEST_TAG', tag)).toEqual([]);
  });

  it("imports runScenario from 'faultline' in the project's own vitest suite", { timeout: 150_000 }, async () => {
    const vitest = repoPath('node_modules/vitest/vitest.mjs');
    const { code, stdout, stderr } = await timed('project vitest', () => inProject(process.execPath, [vitest, 'run'], 140_000));
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/1 passed/);
    expect(processesTagged('FAULTLINE_TEST_TAG', tag)).toEqual([]);
  });
});
