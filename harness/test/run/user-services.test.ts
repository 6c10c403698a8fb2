import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { runScenario } from '../../src/api/run-scenario.ts';
import { createConsoleReporter } from '../../src/report/index.ts';
import { main } from '../../src/cli/main.ts';
import { checkScenarioForRun } from '../../src/gate/index.ts';
import { bringUp, type Stack } from '../../src/run/stack.ts';
import { loadTopology } from '../../src/topology/load.ts';
import { captureIo } from '../scenario/capture.ts';
import { refused } from '../support/ports.ts';
import { processesTagged } from './helpers.ts';

/**
 * Services of the user's own that know nothing of faultline: plain Node http servers that read
 * their port and their callee's address from the environment, as any twelve-factor service does.
 */
const tag = `user-services-${process.pid}`;
let dir: string;
const stacks: Stack[] = [];

/** A plain service: listens on env[portVar], answers /health (or `health`), /env with the
 * variables it was given, and `/` by calling its callee (if any) through `calleeVar`. */
const plainService = `
import { createServer, request } from 'node:http';
const portVar = process.argv[2] ?? 'PORT';
const health = process.argv[3] ?? '/health';
const calleeVar = process.argv[4];
const port = Number(process.env[portVar]);
const server = createServer((req, res) => {
  if (req.url === health) return res.writeHead(200).end('ok');
  if (req.url === '/env') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(process.env));
  if (!calleeVar) return res.writeHead(200).end('leaf');
  const target = process.env[calleeVar].startsWith('http') ? process.env[calleeVar] : 'http://' + process.env[calleeVar];
  const out = request(target + '/', (up) => { up.resume(); res.writeHead(up.statusCode === 200 ? 200 : 502).end('via ' + up.statusCode); });
  out.on('error', () => res.writeHead(502).end('callee down'));
  out.end();
});
server.listen(port, '127.0.0.1', () => console.log('listening on ' + port + ' (' + portVar + ')'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

beforeAll(async () => {
  process.env.FAULTLINE_TEST_TAG = tag;
  dir = await mkdtemp(join(tmpdir(), 'faultline-user-services-'));
  await writeFile(join(dir, 'plain.mjs'), plainService);
  // Healthy at once, but ready only when it says so (caches warm).
  await writeFile(
    join(dir, 'slow-ready.mjs'),
    `console.log('warming caches'); await import('./plain.mjs'); setTimeout(() => console.log('READY to serve'), 1500);`,
  );
  await writeFile(
    join(dir, 'dies-later.mjs'),
    `await import('./plain.mjs'); setTimeout(() => { console.error('heap exhausted, giving up'); process.exit(9); }, 1500);`,
  );
  await writeFile(join(dir, 'dies.mjs'), `console.log('loading config from ./missing.yaml'); console.error('fatal: config file not found'); process.exit(7);`);
});
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.teardown();
});
afterAll(async () => {
  delete process.env.FAULTLINE_TEST_TAG;
  await rm(dir, { recursive: true, force: true });
});

async function topologyFile(name: string, yaml: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, yaml);
  return file;
}

async function up(file: string, onOutput?: (service: string, line: string) => void): Promise<Stack> {
  const stack = await bringUp({ topology: await loadTopology(file), profile: 'resilient', seed: 1, ...(onOutput ? { onOutput } : {}) });
  stacks.push(stack);
  return stack;
}

const envOf = async (stack: Stack, service: string) => (await (await fetch(`${stack.serviceUrl(service)}/env`)).json()) as Record<string, string>;

describe('user services started with command:', () => {
  it('a plain service that reads PORT is healthy on the first try, on the free port faultline picked', async () => {
    const file = await topologyFile('one.yaml', `services:\n  back: {command: [node, plain.mjs]}\n`);
    const lines: string[] = [];
    const started = performance.now();
    const stack = await up(file, (_service, line) => lines.push(line));
    const port = Number(new URL(stack.serviceUrl('back')).port);
    expect(port).toBeGreaterThan(0);
    expect((await envOf(stack, 'back'))['PORT']).toBe(String(port));
    expect(lines).toContain(`listening on ${port} (PORT)`);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('passes the port in the variable portEnv names, and polls the health route it names', async () => {
    const file = await topologyFile(
      'port-env.yaml',
      `services:\n  back: {command: [node, plain.mjs, HTTP_PORT, /ready], portEnv: HTTP_PORT, health: /ready}\n`,
    );
    const stack = await up(file);
    const env = await envOf(stack, 'back');
    expect(env['HTTP_PORT']).toBe(new URL(stack.serviceUrl('back')).port);
    expect(env['PORT']).not.toBe(env['HTTP_PORT']);
    expect((await fetch(`${stack.serviceUrl('back')}/ready`)).status).toBe(200);
  });

  it("gives a caller its callee's proxy address as <CALLEE>_URL, or in the variables and forms the edge names", async () => {
    const file = await topologyFile(
      'edges.yaml',
      `services:
  front: {command: [node, plain.mjs, PORT, /health, BACK_ADDR]}
  back: {command: [node, plain.mjs]}
  other-svc: {command: [node, plain.mjs]}
edges:
  - {link: front -> back, env: {BACK_ADDR: '{host}:{port}', BACK_PORT: '{port}'}}
  - front -> other-svc
`,
    );
    const stack = await up(file);
    const env = await envOf(stack, 'front');
    const proxy = stack.proxy('front_to_back');
    expect(env['BACK_ADDR']).toBe(`127.0.0.1:${proxy.listen.split(':').at(-1)}`);
    expect(env['BACK_PORT']).toBe(proxy.listen.split(':').at(-1));
    expect(env['BACK_URL']).toBeUndefined();
    expect(env['OTHER_SVC_URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The caller reaches its callee through the proxy with the address in the form it reads.
    expect(await (await fetch(`${stack.serviceUrl('front')}/`)).text()).toBe('via 200');
  });

  it('waits for the ready line before polling health', async () => {
    const file = await topologyFile('ready.yaml', `services:\n  back: {command: [node, slow-ready.mjs], readyLine: '/^READY\\b/'}\n`);
    const lines: string[] = [];
    const stack = await up(file, (_service, line) => lines.push(line));
    // Healthy at once, but not started before its ready line (1.5 s later).
    expect(lines).toContain('READY to serve');
    expect((await fetch(`${stack.serviceUrl('back')}/health`)).status).toBe(200);
  });

  it('crashes and restarts a user service on the same port, the caller keeps its proxy address', async () => {
    const file = await topologyFile(
      'crash.yaml',
      `services:\n  front: {command: [node, plain.mjs, PORT, /health, BACK_URL]}\n  back: {command: [node, plain.mjs]}\nedges: [front -> back]\n`,
    );
    const stack = await up(file);
    const backUrl = stack.serviceUrl('back');
    await stack.stopService('back', 'kill');
    expect(await refused(Number(new URL(backUrl).port))).toBe(true);
    expect(await (await fetch(`${stack.serviceUrl('front')}/`)).text()).toBe('callee down');
    await stack.relaunch('back');
    expect(stack.serviceUrl('back')).toBe(backUrl);
    expect(await (await fetch(`${stack.serviceUrl('front')}/`)).text()).toBe('via 200');
  });
});

describe('a run of user services', () => {
  const scenario = (topology: string, extra = '') => `description: front calls back; back is killed for a while
topology: ${topology}
load: {target: front, path: /, rate: 20/s, duration: 4s, timeout: 1s}
faults:
  - {id: back-crash, service: back, type: crash, at: 1s, for: 1.5s}
slos:
  - expect: error_rate < 90%
${extra}`;

  it('keeps each service output in services/<name>.log in the result folder, and runs crash faults on them', { timeout: 60_000 }, async () => {
    await topologyFile(
      'run.topology.yaml',
      `services:\n  front: {command: [node, plain.mjs, PORT, /health, BACK_URL]}\n  back: {command: [node, plain.mjs]}\nedges: [front -> back]\n`,
    );
    const file = await topologyFile('run.yaml', scenario('run.topology.yaml'));
    const outDir = join(dir, 'result');
    const { result, files, recording } = await runScenario({ scenario: file, outDir, reporters: [] });
    expect(result.status).toBe('completed');
    expect(result.verdict).toBe('pass');
    // Not faultline-aware: never polled for a /metrics it does not have.
    expect(recording.scrapes).toEqual([]);
    const fault = result.faults.find((f) => f.id === 'back-crash')!;
    expect(fault.error).toBeUndefined();
    expect(fault.removedAtMs).toBeGreaterThan(fault.appliedAtMs!);
    // Killed and started again: two 'listening' lines, on the same port.
    const backLog = readFileSync(join(outDir, 'services', 'back.log'), 'utf8');
    const listening = backLog.split('\n').filter((l) => / out listening on \d+ \(PORT\)$/.test(l));
    expect(listening).toHaveLength(2);
    expect(listening[0]!.split(' ').slice(-2)).toEqual(listening[1]!.split(' ').slice(-2));
    expect(existsSync(join(outDir, 'services', 'front.log'))).toBe(true);
    expect(files?.dir).toBe(outDir);
    // Requests failed while back was down, and not outside: the fault reached the user's service.
    expect(result.windows.find((w) => w.name === 'fault')!.errors).toBeGreaterThan(0);
    expect(processesTagged('FAULTLINE_TEST_TAG', tag)).toEqual([]);
  });

  it('stops with exit 3 when a service dies at start, showing its last lines', { timeout: 30_000 }, async () => {
    await topologyFile('dies.topology.yaml', `services:\n  front: {command: [node, plain.mjs]}\n  back: {command: [node, dies.mjs]}\nedges: [front -> back]\n`);
    const file = await topologyFile('dies.yaml', scenario('dies.topology.yaml'));
    const { io, text } = captureIo();
    const code = await main(['run', file, '--out', join(dir, 'dies-result')], io);
    expect(code).toBe(3);
    expect(text().stderr).toMatch(/service back exited (during start-up|before it was healthy) \(code 7/);
    expect(text().stderr).toMatch(/last lines of its output ---\nloading config from .\/missing.yaml\nfatal: config file not found/);
    expect(processesTagged('FAULTLINE_TEST_TAG', tag)).toEqual([]);
  });

  it('shows the last lines of a service that dies during the run, and keeps them in its log', { timeout: 60_000 }, async () => {
    await topologyFile(
      'dies-later.topology.yaml',
      `services:\n  front: {command: [node, plain.mjs, PORT, /health, BACK_URL]}\n  back: {command: [node, dies-later.mjs]}\nedges: [front -> back]\n`,
    );
    const file = await topologyFile('dies-later.yaml', scenario('dies-later.topology.yaml').replace(/faults:\n.*\n/, ''));
    const outDir = join(dir, 'dies-later-result');
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const { result } = await runScenario({
      scenario: file,
      outDir,
      reporters: [createConsoleReporter({ stream: output, interactive: false, summary: false })],
    });
    expect(result.status).toBe('completed');
    expect(printed).toMatch(/service back exited on its own \(code 9, signal null\); its last lines:\n(.*\n)*.*heap exhausted, giving up/);
    expect(readFileSync(join(outDir, 'services', 'back.log'), 'utf8')).toMatch(
      /err heap exhausted, giving up\n.*--- exited on its own \(code 9, signal null\) ---/,
    );
  });

  it('refuses at validate time an SLO that needs service metrics on a service that does not expose them, located', async () => {
    await topologyFile(
      'plain.topology.yaml',
      `services:\n  front: {command: [node, plain.mjs, PORT, /health, BACK_URL]}\n  back: {command: [node, plain.mjs]}\nedges: [front -> back]\n`,
    );
    const file = await topologyFile(
      'metrics-slo.yaml',
      scenario('plain.topology.yaml', `  - expect: retry_amplification{service=front} <= 2\n  - expect: timeouts < 3\n  - expect: p(99) < 2s\n`),
    );
    const { issues } = await checkScenarioForRun(file);
    expect(issues.map((i) => `${i.line} ${i.field}`)).toEqual(['8 slos[1].expect', '9 slos[2].expect']);
    expect(issues[0]!.message).toContain("service 'front' does not expose");
    expect(issues[1]!.message).toContain('none is faultline-aware');
    const { io, text } = captureIo();
    expect(await main(['validate', file], io)).toBe(2);
    expect(text().stderr).toContain(`${file}:8:`);
  });
});
