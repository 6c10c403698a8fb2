import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { exportK6Script, STAND_IN_MARKER } from '../../src/k6/script.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { admitScenario } from '../../src/gate/index.ts';
import { loadScript } from './load-script.ts';

const run = promisify(execFile);
const rampFile = join(import.meta.dirname, 'fixtures', 'ramp.yaml');

async function exported(ref: string, timeScale = 1, baseUrl = 'http://127.0.0.1:8080'): Promise<string> {
  const { scenario, topology } = await admitScenario(ref);
  return exportK6Script(compilePlan(scenario, topology, { timeScale }), { baseUrl });
}

let tempDir: string | undefined;
afterEach(async () => {
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
  tempDir = undefined;
});

/** `node --check` parses the module without resolving its imports (k6/* exist only in k6). */
async function nodeCheck(script: string): Promise<void> {
  tempDir = await mkdtemp(join(tmpdir(), 'faultline-k6-'));
  const file = join(tempDir, 'script.mjs');
  await writeFile(file, script);
  await run(process.execPath, ['--check', file]);
}

describe('exportK6Script for dispatch-outage', () => {
  it("gives the stand-in k6 the same load as the script's options, in one comment line", async () => {
    const text = await exported('dispatch-outage', 0.25);
    const { options, iterate } = loadScript(text);
    const line = text.split('\n').filter((l) => l.startsWith(`// ${STAND_IN_MARKER} `));
    expect(line).toHaveLength(1);
    const standIn = JSON.parse(line[0]!.slice(`// ${STAND_IN_MARKER} `.length)) as {
      scenario: unknown;
      thresholds: unknown;
      request: { method: string; path: string; timeoutMs: number; tags: Record<string, string> };
    };
    expect(standIn.scenario).toEqual(options.scenarios.faultline);
    expect(standIn.thresholds).toEqual(options.thresholds);
    const request = iterate(0);
    expect(request.method).toBe(standIn.request.method);
    expect(request.url.endsWith(standIn.request.path)).toBe(true);
    expect(request.params.tags).toEqual(standIn.request.tags);
  });

  it('writes a module that parses as JavaScript', async () => {
    await expect(nodeCheck(await exported('dispatch-outage'))).resolves.toBeUndefined();
  });

  it('uses a constant arrival rate of 30/s over the time-scaled load duration', async () => {
    const { options } = loadScript(await exported('dispatch-outage', 0.25));
    expect(options.scenarios.faultline).toMatchObject({
      executor: 'constant-arrival-rate',
      rate: 30,
      timeUnit: '1s',
      duration: '13s',
      maxVUs: 200,
      gracefulStop: '6s',
    });
    expect(options.scenarios.faultline!.preAllocatedVUs).toBeLessThanOrEqual(200);
  });

  it('checks the whole-run error rate in k6 and leaves the windowed and service SLOs to faultline', async () => {
    const script = await exported('dispatch-outage');
    expect(loadScript(script).options.thresholds).toEqual({ http_req_failed: ['rate<0.01'] });
    const leftToFaultline = script.slice(script.indexOf('// Checked by faultline, not k6:'));
    expect(leftToFaultline).toContain('trips stay fast while dispatch is down');
    expect(leftToFaultline).toContain('breaker_time_to_open');
    expect(leftToFaultline).toContain('time_to_recover');
  });

  it('posts the trip body with the passenger cycling as {{cycle:20}} does', async () => {
    const script = loadScript(await exported('dispatch-outage'));
    const first = script.iterate(0);
    expect(first.method).toBe('POST');
    expect(first.url).toBe('http://127.0.0.1:8080/trips');
    expect(JSON.parse(first.body!)).toEqual({ passengerId: 'p-1', pickup: { lat: 52.52, lng: 13.405 } });
    expect(JSON.parse(script.iterate(21).body!).passengerId).toBe('p-2');
    expect(first.params).toMatchObject({
      headers: { 'content-type': 'application/json' },
      timeout: '5s',
      tags: { name: 'POST /trips', faultline_scenario: 'dispatch-outage' },
      responseCallback: { expectedStatuses: [{ min: 200, max: 399 }] },
    });
  });

  it('sends to BASE_URL from the environment when k6 is given one', async () => {
    const script = loadScript(await exported('dispatch-outage'), { BASE_URL: 'http://gateway.test:9000/' });
    expect(script.iterate(0).url).toBe('http://gateway.test:9000/trips');
  });

  it('names the fault timeline faultline applies beside the load', async () => {
    expect(await exported('dispatch-outage', 0.25)).toContain('dispatch-down: down trip -> dispatch at 3s for 5s');
  });
});

describe('exportK6Script for a ramped load', () => {
  it('writes a module that parses as JavaScript', async () => {
    await expect(nodeCheck(await exported(rampFile, 0.5))).resolves.toBeUndefined();
  });

  it('ramps from the start rate through every stage, durations time-scaled', async () => {
    const { options } = loadScript(await exported(rampFile, 0.5));
    expect(options.scenarios.faultline).toMatchObject({
      executor: 'ramping-arrival-rate',
      startRate: 5,
      timeUnit: '1s',
      maxVUs: 100,
      stages: [
        { target: 40, duration: '5s' },
        { target: 40, duration: '20s' },
        { target: 0, duration: '5s' },
      ],
    });
  });

  it('turns every whole-run client SLO into a threshold on the matching k6 metric', async () => {
    const { options } = loadScript(await exported(rampFile));
    expect(options.thresholds).toEqual({
      http_req_duration: ['p(99)<800', 'max<=2000', 'avg<150'],
      http_req_failed: ['rate<=0.01'],
      http_reqs: ['rate>=20'],
      dropped_iterations: ['count==0'],
    });
  });

  it('renders {{seq}}, {{cycle:N}} and {{rand}} per iteration, and accepts only the success statuses', async () => {
    const script = loadScript(await exported(rampFile));
    const request = script.iterate(8);
    const body = JSON.parse(request.body!) as Record<string, string>;
    expect(body.passengerId).toBe('p-2');
    expect(body.requestId).toBe('r-8');
    expect(body.nonce).toMatch(/^\d+$/);
    expect(Number(body.nonce)).toBeLessThan(2 ** 32);
    expect(request.params).toMatchObject({ timeout: '2s', headers: { 'x-run': 'k6' }, responseCallback: { expectedStatuses: [200, 201] } });
  });

  it('is the same text for the same plan', async () => {
    expect(await exported(rampFile, 0.5)).toBe(await exported(rampFile, 0.5));
  });
});
