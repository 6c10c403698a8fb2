import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-code.ts';
import { main } from '../../src/cli/main.ts';
import { readYamlSource } from '../../src/document/source.ts';
import { checkScenarioForRun } from '../../src/gate/index.ts';
import { startOrder } from '../../src/run/stack.ts';
import { brokerOf, withExternalBroker } from '../../src/topology/broker.ts';
import { checkTopology } from '../../src/topology/load.ts';
import { linkEnds, proxyName, type Topology } from '../../src/topology/model.ts';
import { builtinTopologies } from '../../src/topology/resolve.ts';
import { taxiAsyncTopology, taxiTopology } from '../../src/topology/taxi.ts';
import { captureIo } from '../scenario/capture.ts';

/**
 * The broker in the topology: its links are named the way messages flow (`trip -> broker`
 * publishes, `broker -> dispatch` consumes, opened by dispatch), it starts before everything
 * linked to it, and the gate refuses what cannot apply to it — each refusal located.
 */
let dir: string;
const marker = () => join(dir, 'started');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-broker-topology-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function topologyIssues(name: string, text: string): Promise<string[]> {
  const checked = checkTopology(await readYamlSource(await file(name, text)));
  return checked.issues.map((i) => `${i.line}:${i.column} ${i.field}: ${i.message}`);
}

async function loaded(name: string, text: string): Promise<Topology> {
  const checked = checkTopology(await readYamlSource(await file(name, text)));
  expect(checked.issues).toEqual([]);
  return checked.topology!;
}

/** A service whose start leaves the marker (so "nothing started" is checked, not assumed). */
const service = `{command: [node, -e, "require('fs').writeFileSync(process.env.MARKER, 'x'); setInterval(() => {}, 1000)"], env: {MARKER: MARKER_FILE}}`;

const asyncEdges = `edges:\n  - front -> broker\n  - broker -> front\n  - back -> broker\n  - broker -> back\n`;

describe('a broker in a topology file', () => {
  it('marks links from the broker as consuming (the callee connects) and gives each end its variable', async () => {
    const topology = await loaded('ok.yaml', `services:\n  front: {command: [x]}\n  back: {command: [x]}\n  broker: {broker: mqtt}\n${asyncEdges}`);
    expect(brokerOf(topology)).toMatchObject({ kind: 'embedded', name: 'broker', protocol: 'tcp', broker: 'mqtt' });
    const edge = (caller: string, callee: string) => topology.edges.find((e) => e.caller === caller && e.callee === callee)!;
    expect(edge('front', 'broker')).toEqual({ caller: 'front', callee: 'broker', env: { BROKER_URL: 'mqtt://{host}:{port}' } });
    expect(edge('broker', 'front')).toEqual({ caller: 'broker', callee: 'front', consuming: true, env: { BROKER_SUBSCRIBE_URL: 'mqtt://{host}:{port}' } });
    expect(linkEnds(edge('broker', 'front'))).toEqual({ client: 'front', server: 'broker' });
    expect(linkEnds(edge('front', 'broker'))).toEqual({ client: 'front', server: 'broker' });
  });

  it('publishing and consuming with one service is no cycle; the broker starts before everyone linked to it', async () => {
    const topology = await loaded('order.yaml', `services:\n  front: {command: [x]}\n  back: {command: [x]}\n  broker: {broker: mqtt}\n${asyncEdges}`);
    const order = startOrder(topology).map((s) => s.name);
    expect(order[0]).toBe('broker');
    // The same links without the broker role are a real cycle, and said to be one.
    expect(
      await topologyIssues('cycle.yaml', `services:\n  front: {command: [x]}\n  broker: {command: [x]}\nedges:\n  - front -> broker\n  - broker -> front\n`),
    ).toEqual([expect.stringMatching(/^6:5 edges\[1\]: dependency cycle/)]);
  });

  it('takes a running broker as url: mqtt://host:port or address, and a started one as command', async () => {
    const byUrl = await loaded(
      'url.yaml',
      `services:\n  front: {command: [x]}\n  broker: {broker: mqtt, url: 'mqtt://127.0.0.1:1883'}\nedges: [front -> broker]\n`,
    );
    expect(brokerOf(byUrl)).toMatchObject({ kind: 'external', url: 'mqtt://127.0.0.1:1883', protocol: 'tcp' });
    const byAddress = await loaded(
      'address.yaml',
      `services:\n  front: {command: [x]}\n  mq: {broker: mqtt, address: '127.0.0.1:1884'}\nedges: [front -> mq]\n`,
    );
    expect(brokerOf(byAddress)).toMatchObject({ kind: 'external', name: 'mq', url: 'mqtt://127.0.0.1:1884' });
    expect(byAddress.edges[0]!.env).toEqual({ BROKER_URL: 'mqtt://{host}:{port}' });
    const started = await loaded(
      'started.yaml',
      `services:\n  front: {command: [x]}\n  mq: {broker: mqtt, command: [mosquitto, -p, '{port}']}\nedges: [front -> mq]\n`,
    );
    expect(brokerOf(started)).toMatchObject({ kind: 'managed', protocol: 'tcp', health: '' });
  });

  it('refuses, located: two brokers, an HTTP broker, an mqtt URL that is not a broker, a broker URL without a port', async () => {
    expect(await topologyIssues('two.yaml', `services:\n  a: {broker: mqtt}\n  b: {broker: mqtt}\n`)).toEqual([
      expect.stringMatching(/^3:\d+ services\.b\.broker: a topology has at most one broker, and 'a' already is$/),
    ]);
    expect(await topologyIssues('http.yaml', `services:\n  mq:\n    broker: mqtt\n    command: [x]\n    protocol: http\n`)).toEqual([
      expect.stringMatching(/^5:5 services\.mq\.protocol: a broker is a TCP service/),
    ]);
    expect(await topologyIssues('not-broker.yaml', `services:\n  mq: {url: 'mqtt://127.0.0.1:1883'}\n`)).toEqual([
      expect.stringMatching(/^2:\d+ services\.mq\.url: an mqtt:\/\/ URL is a broker's: add 'broker: mqtt'/),
    ]);
    expect(await topologyIssues('no-port.yaml', `services:\n  mq: {broker: mqtt, url: 'mqtt://127.0.0.1'}\n`)).toEqual([
      expect.stringMatching(/^2:\d+ services\.mq\.url: expected a broker URL 'mqtt:\/\/host:port'/),
    ]);
    expect(await topologyIssues('http-url.yaml', `services:\n  mq: {broker: mqtt, url: 'http://127.0.0.1:80'}\n`)).toEqual([
      expect.stringMatching(/^2:\d+ services\.mq\.url: a broker is reached at a broker URL/),
    ]);
  });
});

describe('the built-in taxi-async topology', () => {
  it('is the five sample services, the embedded broker and its links; taxi is untouched', () => {
    expect(Object.keys(builtinTopologies)).toEqual(['taxi', 'taxi-async']);
    const topology = taxiAsyncTopology();
    expect(topology.services.map((s) => s.name).sort()).toEqual(['broker', 'dispatch', 'gateway', 'notification', 'passenger', 'trip']);
    expect(topology.edges.map(proxyName).sort()).toEqual([
      'broker_to_dispatch',
      'broker_to_notification',
      'broker_to_trip',
      'dispatch_to_broker',
      'gateway_to_trip',
      'notification_to_broker',
      'trip_to_broker',
      'trip_to_passenger',
    ]);
    const order = startOrder(topology).map((s) => s.name);
    for (const edge of topology.edges) {
      const { client, server } = linkEnds(edge);
      expect(order.indexOf(server), `${server} before ${client}`).toBeLessThan(order.indexOf(client));
    }
    // The HTTP taxi app keeps its four HTTP edges and no broker.
    expect(taxiTopology().edges.map(proxyName)).toEqual(['gateway_to_trip', 'trip_to_passenger', 'trip_to_dispatch', 'trip_to_notification']);
    expect(brokerOf(taxiTopology())).toBeUndefined();
  });

  it('--broker puts a running broker in its place (same links); refuses a bad URL and a topology without a broker', () => {
    const external = withExternalBroker(taxiAsyncTopology(), 'mqtt://127.0.0.1:1883');
    expect(brokerOf(external)).toMatchObject({ kind: 'external', name: 'broker', url: 'mqtt://127.0.0.1:1883' });
    expect(external.edges).toEqual(taxiAsyncTopology().edges);
    let thrown: unknown;
    try {
      withExternalBroker(taxiAsyncTopology(), 'tcp://127.0.0.1:1883');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: 'FL_USAGE',
      message: expect.stringMatching(/--broker expects a broker URL 'mqtt:\/\/host:port'.*got 'tcp:\/\/127\.0\.0\.1:1883'/),
    });
    expect(() => withExternalBroker(taxiTopology(), 'mqtt://127.0.0.1:1883')).toThrow(/--broker mqtt:\/\/127\.0\.0\.1:1883: topology 'taxi' has no broker/);
  });
});

describe('the gate with a broker', () => {
  const scenario = (topology: string, faults: string) =>
    `description: broker gate fixture\ntopology: ${topology}\nload: {target: front, path: /, rate: 5/s, duration: 4s}\nfaults:\n${faults}slos:\n  - error_rate < 1%\n`;

  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const capture = captureIo();
    const code = await main(args, capture.io);
    return { code, ...capture.text() };
  }

  beforeAll(async () => {
    const services = `services:\n  front: ${service.replace('MARKER_FILE', JSON.stringify(marker()))}\n  back: ${service.replace('MARKER_FILE', JSON.stringify(marker()))}\n`;
    await file('embedded.topology.yaml', `${services}  broker: {broker: mqtt}\n${asyncEdges}`);
    await file('running.topology.yaml', `${services}  broker: {broker: mqtt, address: '127.0.0.1:1'}\n${asyncEdges}`);
  });

  it('refuses http faults on broker links, publishing or consuming, at the fault', async () => {
    const path = await file(
      'http.yaml',
      scenario(
        'embedded.topology.yaml',
        '  - {type: http, link: front -> broker, status: 503, at: 1s, for: 1s}\n  - {type: http, link: broker -> back, status: 503, at: 2s, for: 1s}\n',
      ),
    );
    const { issues } = await checkScenarioForRun(path);
    expect(issues.map((i) => `${i.line} ${i.field}: ${i.message}`)).toEqual([
      expect.stringMatching(/^5 faults\[0\]\.link: 'http' faults need an HTTP link; 'front -> broker' is a broker link \(MQTT, not HTTP\)/),
      expect.stringMatching(/^6 faults\[1\]\.link: 'http' faults need an HTTP link; 'broker -> back' is a broker link/),
    ]);
    // Every toxic and down apply to them, as to any link.
    const fine = await file(
      'toxics.yaml',
      scenario(
        'embedded.topology.yaml',
        '  - {type: down, link: broker -> back, at: 1s, for: 1s}\n  - {type: latency, link: front -> broker, at: 1s, for: 1s}\n',
      ),
    );
    expect((await checkScenarioForRun(fine)).issues).toEqual([]);
  });

  it('refuses a process fault on the embedded broker, pointing at broker-crash', async () => {
    const path = await file('crash.yaml', scenario('embedded.topology.yaml', '  - {type: crash, service: broker, at: 1s, for: 1s}\n'));
    const { issues } = await checkScenarioForRun(path);
    expect(issues.map((i) => `${i.field}: ${i.message}`)).toEqual([
      expect.stringMatching(/faults\[0\]\.type: 'crash' stops a process.*use 'type: broker-crash'/),
    ]);
  });

  it('admits broker-crash on a broker faultline runs, and refuses it (exit 2, nothing started) on one already running', async () => {
    const crash = '  - {type: broker-crash, at: 1s, for: 1s, keepState: false}\n';
    const ok = await file('broker-crash.yaml', scenario('embedded.topology.yaml', crash));
    const admitted = await checkScenarioForRun(ok);
    expect(admitted.issues).toEqual([]);
    expect(admitted.admitted!.scenario.faults[0]).toMatchObject({ kind: 'broker-crash', id: 'broker-crash-1', keepState: false, atMs: 1000, forMs: 1000 });

    const running = await file('running-crash.yaml', scenario('running.topology.yaml', crash));
    const byAddress = await cli(['run', running]);
    expect(byAddress.code).toBe(ExitCode.Usage);
    expect(byAddress.stderr).toMatch(
      new RegExp(
        `${running}:5:\\d+ faults\\[0\\]\\.type: 'broker-crash' needs a broker faultline runs .*broker 'broker' at mqtt://127\\.0\\.0\\.1:1 is already running`,
      ),
    );
    const byOption = await cli(['run', ok, '--broker', 'mqtt://127.0.0.1:1']);
    expect(byOption.code).toBe(ExitCode.Usage);
    expect(byOption.stderr).toMatch(/faults\[0\]\.type: 'broker-crash' needs a broker faultline runs/);
    expect(existsSync(marker())).toBe(false);
  });

  it('refuses a --broker URL of another form, naming the option, and --broker on a topology without a broker', async () => {
    const ok = await file('plain.yaml', scenario('embedded.topology.yaml', '  - {type: down, link: front -> broker, at: 1s, for: 1s}\n'));
    for (const args of [
      ['run', ok, '--broker', '127.0.0.1:1883'],
      ['compare', ok, '--profiles', 'naive,resilient', '--broker', 'mqtt://127.0.0.1'],
    ]) {
      const { code, stderr } = await cli(args);
      expect(code, args.join(' ')).toBe(ExitCode.Usage);
      expect(stderr).toMatch(/--broker expects a broker URL 'mqtt:\/\/host:port' \(e\.g\. 'mqtt:\/\/127\.0\.0\.1:1883'\), got/);
    }
    const { code, stderr } = await cli(['run', 'dispatch-outage', '--broker', 'mqtt://127.0.0.1:1883']);
    expect(code).toBe(ExitCode.Usage);
    expect(stderr).toMatch(/topology 'taxi' has no broker/);
    expect(existsSync(marker())).toBe(false);
  });
});
