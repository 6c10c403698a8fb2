import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, type RunScenarioOptions } from '../../src/api/run-scenario.ts';
import { ExitCode } from '../../src/cli/exit-code.ts';
import { main } from '../../src/cli/main.ts';
import { freePort } from '../../src/topology/launch.ts';
import { taxiServiceNames } from '../../src/topology/taxi.ts';
import type { Recording } from '../../src/model/recording.ts';
import type { StackInfo } from '../../src/model/events.ts';
import { entryArgs } from '../../src/util/package-files.ts';
import { captureIo } from '../scenario/capture.ts';
import { startMosquitto, type MosquittoServer } from '../../src/broker/mosquitto.ts';
import { refused } from '../support/ports.ts';
import { fixture, processesTagged, waitFor } from './helpers.ts';

/**
 * Real runs of scenarios on the asynchronous taxi app: trips get their drivers through the
 * broker's proxies; a `down` on a consuming link and a broker crash visibly stop delivery for
 * their window and it resumes after; the broker is the embedded one, a Mosquitto the runner
 * starts (`command:`), or one already running (`--broker`); nothing is left listening after a
 * run, finished or aborted. Scrapes are read by order and windows, never by tight times.
 */
let dir: string;
const mosquittos: MosquittoServer[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-broker-runs-'));
});
afterEach(async () => {
  for (const server of mosquittos.splice(0)) await server.stop();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const timeScale = 0.5;

/** Runs a fixture scenario, noting the stack it ran on. */
async function run(scenario: string, options: Partial<RunScenarioOptions> = {}): Promise<{ recording: Recording; stack: StackInfo; verdict: string }> {
  let stack: StackInfo | undefined;
  const { recording, result } = await runScenario({
    scenario: fixture(scenario),
    timeScale,
    outDir: false,
    ...options,
    events: {
      onStack: (info) => {
        stack = info;
      },
    },
  });
  return { recording, stack: stack!, verdict: result.verdict };
}

/** One counter of one service, summed over the series matching `labels`, at each scrape it answered. */
function counter(recording: Recording, service: string, name: string, labels: Record<string, string>): { atMs: number; value: number }[] {
  return recording.scrapes
    .filter((scrape) => scrape.service === service && scrape.up)
    .map((scrape) => ({
      atMs: scrape.atMs,
      value: scrape.series
        .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
        .reduce((sum, s) => sum + s.value, 0),
    }));
}

/** The value at the last scrape at or before `atMs` (0 before the first). */
const valueAt = (points: { atMs: number; value: number }[], atMs: number) => points.filter((p) => p.atMs <= atMs).at(-1)?.value ?? 0;

/** Delivery stalled while the fault was on and resumed after it: what the fault windows assert. */
function expectStallThenResume(recording: Recording, faultId: string) {
  const fault = recording.faults.find((f) => f.id === faultId)!;
  expect(fault.error).toBeUndefined();
  const applied = fault.appliedAtMs!;
  const removed = fault.removedAtMs!;
  expect(removed).toBeGreaterThan(applied);
  const delivered = counter(recording, 'dispatch', 'messages_delivered_total', { channel: 'trip.created' });
  const published = counter(recording, 'trip', 'messages_published_total', { channel: 'trip.created' });
  const end = recording.durationMs + 10_000;
  // From shortly after the fault began (a message already on its way may still land) to just
  // before it ended, dispatch received nothing.
  const stalledFrom = valueAt(delivered, applied + 600);
  const stalledTo = valueAt(delivered, removed - 50);
  expect(stalledTo - stalledFrom, 'deliveries while the fault was on').toBe(0);
  expect(valueAt(delivered, end), 'deliveries after the fault').toBeGreaterThan(stalledTo);
  // Every trip announced before the fault ended reached dispatch by the end of the run.
  expect(valueAt(delivered, end)).toBeGreaterThanOrEqual(valueAt(published, removed - 50));
  // And driver.assigned came back to trip.
  expect(valueAt(counter(recording, 'trip', 'messages_delivered_total', { channel: 'driver.assigned' }), end)).toBeGreaterThan(0);
}

/** A topology file: taxi-async with a Mosquitto started by command (the script writes its config). */
async function mosquittoTopology(): Promise<{ file: string; stateDir: string }> {
  const stateDir = await mkdtemp(join(dir, 'mosquitto-'));
  const sample = (name: string) => `  ${name}: {command: ${JSON.stringify(['node', ...entryArgs(`services/${name}/main.ts`)])}, faultlineAware: true}`;
  const text = [
    'services:',
    `  broker: {broker: mqtt, command: [sh, ${JSON.stringify(fixture('mosquitto-on-port.sh'))}], env: {MOSQUITTO_DIR: ${JSON.stringify(stateDir)}}}`,
    ...taxiServiceNames.map(sample),
    'edges:',
    ...[
      'gateway -> trip',
      'trip -> passenger',
      'trip -> broker',
      'dispatch -> broker',
      'notification -> broker',
      'broker -> dispatch',
      'broker -> trip',
      'broker -> notification',
    ].map((link) => `  - ${link}`),
    '',
  ].join('\n');
  const file = join(dir, 'taxi-mosquitto.yaml');
  await writeFile(file, text);
  return { file, stateDir };
}

describe('scenarios on taxi-async', () => {
  it('a down consuming link stalls dispatch until it is back; a crashed consumer comes back on its links', { timeout: 120_000 }, async () => {
    const { recording, stack, verdict } = await run('async-consumer-faults.yaml');
    expect(recording.status).toBe('completed');
    expect(recording.problems).toEqual([]);
    expectStallThenResume(recording, 'consumer-link-down');
    // notification was gone for its crash (scrapes failed) and delivered driver.assigned again after.
    const crash = recording.faults.find((f) => f.id === 'notification-crash')!;
    expect(crash.error).toBeUndefined();
    const during = recording.scrapes.filter((s) => s.service === 'notification' && s.atMs > crash.appliedAtMs! && s.atMs < crash.removedAtMs!);
    expect(during.some((s) => !s.up)).toBe(true);
    const afterRestart = counter(recording, 'notification', 'messages_delivered_total', { channel: 'driver.assigned' }).filter(
      (p) => p.atMs > crash.removedAtMs!,
    );
    expect(afterRestart.at(-1)?.value ?? 0).toBeGreaterThan(0);
    expect(verdict).toBe('pass');
    expect(await refused(Number(new URL(stack.broker!).port))).toBe(true);
  });

  it('broker-crash on the embedded broker: the outbox holds trips while it is down, all get drivers after', { timeout: 120_000 }, async () => {
    const { recording, stack } = await run('async-broker-crash.yaml');
    expect(recording.status).toBe('completed');
    expect(recording.problems).toEqual([]);
    expect(recording.faults).toEqual([expect.objectContaining({ id: 'broker-down', kind: 'broker-crash', target: 'broker' })]);
    expectStallThenResume(recording, 'broker-down');
    const fault = recording.faults[0]!;
    const pending = recording.scrapes
      .filter((s) => s.service === 'trip' && s.atMs > fault.appliedAtMs! && s.atMs < fault.removedAtMs!)
      .flatMap((s) => s.series.filter((m) => m.name === 'outbox_pending').map((m) => m.value));
    expect(Math.max(0, ...pending), 'trips waiting in the outbox during the crash').toBeGreaterThan(0);
    expect(stack.broker).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(await refused(Number(new URL(stack.broker!).port))).toBe(true);
    expect(recording.environment.broker).toEqual({
      service: 'broker',
      protocol: 'mqtt',
      source: 'embedded',
      software: expect.stringMatching(/^aedes \d/) as string,
    });
  });

  it('broker-crash on a Mosquitto the runner starts by command: stopped, relaunched on its port, nothing left', { timeout: 120_000 }, async () => {
    const { file, stateDir } = await mosquittoTopology();
    const { recording, stack } = await run('async-broker-crash.yaml', { topology: file });
    expect(recording.status).toBe('completed');
    expect(recording.problems).toEqual([]);
    expectStallThenResume(recording, 'broker-down');
    const port = Number(new URL(stack.broker!).port);
    expect(stack.broker).toBe(`mqtt://127.0.0.1:${port}`);
    expect(await refused(port)).toBe(true);
    expect(await waitFor(() => processesTagged('MOSQUITTO_DIR', stateDir).length === 0, 5000)).toBe(true);
    // Named by its command, and by what it said it is.
    expect(recording.environment.broker).toEqual({
      service: 'broker',
      protocol: 'mqtt',
      source: 'command',
      command: ['sh', fixture('mosquitto-on-port.sh')],
      software: expect.stringMatching(/^mosquitto version \d/) as string,
    });
  });

  it('--broker: the services reach a Mosquitto already running, through the proxies', { timeout: 120_000 }, async () => {
    const server = await startMosquitto();
    mosquittos.push(server);
    const { recording, stack, verdict } = await run('async-consumer-faults.yaml', { broker: server.url });
    expect(stack.broker).toBe(server.url);
    expect(recording.problems).toEqual([]);
    expectStallThenResume(recording, 'consumer-link-down');
    expect(verdict).toBe('pass');
    // Not faultline's: still there after the run.
    expect(await refused(server.port)).toBe(false);
    expect(recording.environment.broker).toEqual({
      service: 'broker',
      protocol: 'mqtt',
      source: 'external',
      url: server.url,
      software: expect.stringMatching(/^mosquitto version \d/) as string,
    });
  });

  it('--broker where nothing listens: exit 3, naming the broker', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const capture = captureIo();
    const code = await main(
      ['run', fixture('async-consumer-faults.yaml'), '--broker', `mqtt://127.0.0.1:${port}`, '--time-scale', '0.25', '--out', join(dir, 'nothing-listens')],
      capture.io,
    );
    expect(code).toBe(ExitCode.Environment);
    expect(capture.text().stderr).toContain(`TCP service broker at 127.0.0.1:${port} accepts no connection`);
  });

  it('an aborted run undoes the broker crash it was in and leaves no broker listening', { timeout: 120_000 }, async () => {
    const abort = new AbortController();
    let stack: StackInfo | undefined;
    const { recording } = await runScenario({
      scenario: fixture('async-broker-crash.yaml'),
      timeScale,
      outDir: false,
      signal: abort.signal,
      events: {
        onStack: (info) => {
          stack = info;
        },
        // Aborted while the broker is down: cleanup must bring it back, then close it.
        onFault: (change) => {
          if (change.action === 'apply') setTimeout(() => abort.abort(), 300);
        },
      },
    });
    expect(recording.status).toBe('interrupted');
    const fault = recording.faults[0]!;
    expect(fault.appliedAtMs).toBeDefined();
    expect(fault.removedAtMs).toBeDefined();
    expect(fault.error).toBeUndefined();
    expect(await refused(Number(new URL(stack!.broker!).port))).toBe(true);
  });
});
