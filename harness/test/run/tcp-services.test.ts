import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkScenarioForRun } from '../../src/gate/index.ts';
import { bringUp, type Stack } from '../../src/run/stack.ts';
import { checkTopology, loadTopology } from '../../src/topology/load.ts';
import { readYamlSource } from '../../src/document/source.ts';

/**
 * Dependencies that are not HTTP services (a cache, a database): a topology service given by
 * `address:` or started by `command:` with `protocol: tcp`. Ready when its port accepts a
 * connection, reached by its callers through a proxy like any other edge.
 */
let dir: string;
const stacks: Stack[] = [];
const servers: Server[] = [];

/** A line protocol over TCP: answers each line `x` with `pong x`. Port from `--port N`. */
const lineServer = `
import { createServer } from 'node:net';
const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
createServer((socket) => {
  socket.setEncoding('utf8');
  let buffered = '';
  socket.on('data', (data) => {
    buffered += data;
    let at;
    while ((at = buffered.indexOf('\\n')) >= 0) { socket.write('pong ' + buffered.slice(0, at) + '\\n'); buffered = buffered.slice(at + 1); }
  });
  socket.on('error', () => undefined);
}).listen(port, '127.0.0.1', () => console.log('cache ready on ' + port));
`;

/** An HTTP service that asks the TCP dependency at CACHE_ADDR (host:port) on each request. */
const front = `
import { createServer } from 'node:http';
import { connect } from 'node:net';
createServer((req, res) => {
  if (req.url === '/health') return res.writeHead(200).end('ok');
  if (req.url === '/env') return res.writeHead(200).end(JSON.stringify(process.env));
  const [host, port] = process.env.CACHE_ADDR.split(':');
  const socket = connect({ host, port: Number(port) });
  socket.setTimeout(1000, () => { socket.destroy(); res.writeHead(504).end('cache timeout'); });
  socket.on('error', () => res.headersSent || res.writeHead(502).end('cache down'));
  socket.once('data', (data) => { socket.destroy(); res.writeHead(200).end(String(data).trim()); });
  socket.write('ping\\n');
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'faultline-tcp-services-'));
  await writeFile(join(dir, 'line-server.mjs'), lineServer);
  await writeFile(join(dir, 'front.mjs'), front);
});
afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.teardown();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function up(topologyFile: string): Promise<Stack> {
  const stack = await bringUp({ topology: await loadTopology(topologyFile), profile: 'resilient', seed: 1 });
  stacks.push(stack);
  return stack;
}

const ask = async (stack: Stack) => {
  const response = await fetch(`${stack.serviceUrl('front')}/`);
  return `${response.status} ${await response.text()}`;
};

const edges = `edges:\n  - {link: front -> cache, env: {CACHE_ADDR: '{host}:{port}'}}\n`;

describe('TCP dependencies', () => {
  it('starts a command: TCP service with its port in {port}, ready when it accepts a connection, behind a proxy', async () => {
    const topology = await file(
      'started.yaml',
      `services:\n  front: {command: [node, front.mjs]}\n  cache: {command: [node, line-server.mjs, --port, '{port}'], protocol: tcp}\n${edges}`,
    );
    const stack = await up(topology);
    expect(stack.serviceUrl('cache')).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(await ask(stack)).toBe('200 pong ping');
    const env = (await (await fetch(`${stack.serviceUrl('front')}/env`)).json()) as Record<string, string>;
    const proxyPort = stack.proxy('front_to_cache').listen.split(':').at(-1);
    expect(env['CACHE_ADDR']).toBe(`127.0.0.1:${proxyPort}`);

    // Every toxic applies to the link: a timeout toxic holds the answer until the front gives up.
    await stack.proxies.addToxic('front_to_cache', { name: 'stall', type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } });
    expect(await ask(stack)).toBe('504 cache timeout');
    await stack.proxies.removeToxic('front_to_cache', 'stall');
    await stack.proxies.setEnabled('front_to_cache', false);
    expect(await ask(stack)).toBe('502 cache down');
    await stack.proxies.setEnabled('front_to_cache', true);
    expect(await ask(stack)).toBe('200 pong ping');
  });

  it('gives a caller of a TCP service tcp://host:port in <CALLEE>_URL by default', async () => {
    const topology = await file(
      'default-env.yaml',
      `services:\n  front: {command: [node, front.mjs]}\n  cache: {command: [node, line-server.mjs, --port, '{port}'], protocol: tcp}\nedges: [front -> cache]\n`,
    );
    // front reads CACHE_ADDR, which this topology does not set: only the variable is checked.
    const stack = await up(topology);
    const env = (await (await fetch(`${stack.serviceUrl('front')}/env`)).json()) as Record<string, string>;
    expect(env['CACHE_URL']).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  });

  it('reaches an address: TCP service already running through its proxy, and says so when nothing listens there', async () => {
    const server = createServer((socket) => socket.on('data', () => socket.write('pong from outside\n')));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    const topology = await file('address.yaml', `services:\n  front: {command: [node, front.mjs]}\n  cache: {address: '127.0.0.1:${port}'}\n${edges}`);
    const stack = await up(topology);
    expect(await ask(stack)).toBe('200 pong from outside');
    await stacks.pop()!.teardown();
    servers.pop();
    await new Promise((resolve) => server.close(resolve));

    await expect(up(topology)).rejects.toMatchObject({
      code: 'FL_SERVICE_START',
      message: expect.stringContaining(`TCP service cache at 127.0.0.1:${port} accepts no connection`),
    });
  });
});

describe('validation of TCP services', () => {
  const issues = async (name: string, text: string) =>
    checkTopology(await readYamlSource(await file(name, text))).issues.map((i) => `${i.field}: ${i.message}`);

  it('refuses a health route, faultline-awareness, and a protocol that contradicts url or address', async () => {
    expect(await issues('bad1.yaml', `services:\n  db: {address: '127.0.0.1:5432', health: /health}\n`)).toEqual([
      expect.stringMatching(/services\.db\.health: a TCP service is checked by connecting to its port/),
    ]);
    expect(await issues('bad2.yaml', `services:\n  db: {url: 'http://127.0.0.1:5432', protocol: tcp}\n`)).toEqual([
      expect.stringMatching(/services\.db\.protocol: a 'url' is an HTTP service; give a TCP service as 'address: host:port'/),
    ]);
    expect(await issues('bad3.yaml', `services:\n  db: {address: 'localhost'}\n`)).toEqual([expect.stringMatching(/expected host:port of a TCP service/)]);
    expect(await issues('bad4.yaml', `services:\n  db: {address: '127.0.0.1:1', command: [x]}\n`)).toEqual([
      expect.stringMatching(/give one of 'command' .*'address'.*, not 'command' and 'address'/),
    ]);
  });

  it('refuses a TCP service as the load target, and an http fault on a link to one', async () => {
    await file(
      't.yaml',
      `services:\n  front: {command: [node, front.mjs]}\n  cache: {command: [node, line-server.mjs, --port, '{port}'], protocol: tcp}\n${edges}`,
    );
    const scenario = await file(
      's.yaml',
      `description: x\ntopology: t.yaml\nload: {target: cache, path: /, rate: 10/s, duration: 5s}\nfaults:\n  - {link: front -> cache, type: http, status: 503, at: 1s, for: 1s}\n`,
    );
    const { issues: found } = await checkScenarioForRun(scenario);
    const messages = found.map((i) => i.message);
    expect(messages).toContainEqual(
      expect.stringMatching(/'cache' is a TCP service and the load is HTTP requests: target an HTTP service \(e\.g\. 'front', which uses it\)/),
    );
    expect(messages).toContainEqual(expect.stringMatching(/'http' faults need an HTTP callee; 'cache' is a TCP service/));
  });
});
