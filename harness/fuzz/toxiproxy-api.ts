import { request } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { startToxiproxy, type EmbeddedToxiproxy } from '../src/toxiproxy/index.ts';
import { type Outcome, timed } from './outcome.ts';

/**
 * Target `toxiproxy-api`: generated sequences of requests (methods, paths, headers, bodies)
 * against the embedded Toxiproxy server, started in process on 127.0.0.1 port 0. Property, per
 * answer: a well-formed HTTP response with a status the real Toxiproxy gives
 * (/work/shared/reference/toxiproxy-api.md §3.2–3.4), JSON where it sends JSON, Toxiproxy's error
 * shape on API errors; after the sequence the server still answers `/version`, every proxy
 * created listens on loopback only, and deleting them all leaves `/proxies` empty.
 *
 * Listen addresses are drawn from a fixed set that binds only loopback port 0 (or fails to
 * parse): Toxiproxy binds whatever `listen` says, and an empty or host-less one means every
 * interface; a host name would mean a DNS lookup. Bodies that are objects get a safe `listen`.
 */

/** Statuses Toxiproxy answers with (200/201/204, its API errors, 404/405 routing, 403 guards). */
const toxiproxyStatuses = new Set([200, 201, 204, 400, 403, 404, 405, 409, 500]);

const safeListen = [
  '127.0.0.1:0',
  'localhost:0',
  '127.0.0.1:',
  '[::1]:0',
  '127.0.0.1:99999',
  '127.0.0.1:x',
  'bad::addr',
  '[::1',
  '127.0.0.1:-1',
  '127.0.0.1:0:0',
];
const safeListenSet = new Set(safeListen);

const name = fc.oneof(fc.constantFrom('a', 'b', 'db', 'x y', 'é', '%2F', 'a/b', '..', '.', ''), fc.string({ maxLength: 10 }));
const toxicType = fc.oneof(
  fc.constantFrom('latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data', 'nope', ''),
  fc.string({ maxLength: 8 }),
);
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e308, 2 ** 63, 2 ** 64, 0.5),
  fc.string({ maxLength: 5 }),
  fc.constant(null),
  fc.boolean(),
);

const proxyBody = fc.record(
  {
    name,
    listen: fc.constantFrom(...safeListen),
    upstream: fc.oneof(fc.constantFrom('127.0.0.1:9', 'localhost:1', '', 'x'), fc.string({ maxLength: 10 })),
    enabled: fc.oneof(fc.boolean(), number),
  },
  { requiredKeys: [] },
);
const toxicBody = fc.record(
  {
    name,
    type: toxicType,
    stream: fc.constantFrom('upstream', 'downstream', 'up', '', 'UPSTREAM'),
    toxicity: number,
    attributes: fc.oneof(
      fc.dictionary(fc.constantFrom('latency', 'jitter', 'rate', 'delay', 'timeout', 'bytes', 'average_size', 'size_variation', 'x'), number, { maxKeys: 4 }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
  },
  { requiredKeys: [] },
);

/** Forces a safe `listen` on every object of a body (a proxy, or populate's entries). */
function withSafeListen(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSafeListen);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const listen = typeof record['listen'] === 'string' && safeListenSet.has(record['listen']) ? record['listen'] : '127.0.0.1:0';
  return { ...record, listen };
}

const body: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  proxyBody.map((b) => JSON.stringify(withSafeListen(b))),
  fc.array(proxyBody, { maxLength: 3 }).map((b) => JSON.stringify(withSafeListen(b))),
  toxicBody.map((b) => JSON.stringify(b)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(withSafeListen(v))),
  fc.constantFrom(
    '',
    '{',
    'null',
    '[]',
    '[null]',
    '{}',
    '"x"',
    '1e999',
    '{"name":"a","upstream":"b","listen":"127.0.0.1:0"}garbage',
    '{"a":1,"a":2}',
    '\u0000',
  ),
  fc.string({ maxLength: 60 }),
  fc.integer({ min: 1, max: 1_000_000 }).map((n) => JSON.stringify({ name: 'big', upstream: 'x'.repeat(n), listen: '127.0.0.1:0' })),
);

const segment = fc.oneof(
  fc.constantFrom('proxies', 'toxics', 'version', 'reset', 'populate', 'metrics', 'a', 'db', ''),
  name.map(encodeURIComponent),
  fc.constantFrom('%', '%zz', '%C3', '%00', '..', '%2e%2e'),
);

const path: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '/version',
    '/reset',
    '/proxies',
    '/populate',
    '/metrics',
    '/',
    '/proxies/',
    '/proxies/a/toxics',
    '/proxies/a/toxics/t',
    '/version?x=1',
    '//proxies',
  ),
  fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
  fc.tuple(name, name).map(([p, t]) => `/proxies/${encodeURIComponent(p)}/toxics/${encodeURIComponent(t)}`),
);

const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,30}$/);
const headers = fc.record(
  {
    host: fc.oneof(fc.constantFrom('127.0.0.1', 'localhost', 'evil.example', '[::1]', '127.0.0.1:1', '10.0.0.1', ''), headerValue),
    'user-agent': fc.oneof(fc.constantFrom('curl/8', 'Mozilla/5.0', 'toxiproxy-cli'), headerValue),
    origin: fc.constantFrom('http://evil.example', 'null'),
    'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', ''),
    accept: headerValue,
  },
  { requiredKeys: [] },
);

export interface ApiRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const apiRequest: fc.Arbitrary<ApiRequest> = fc
  .record({
    method: fc.oneof(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'HEAD', 'OPTIONS'), fc.stringMatching(/^[A-Z]{1,10}$/)),
    path,
    headers,
    body,
  })
  .map(({ body: text, ...rest }) => (text === undefined ? rest : { ...rest, body: text }));

/** A sequence of requests, mostly well-aimed: creating proxies and toxics makes later ones meaningful. */
export const apiSequence: fc.Arbitrary<ApiRequest[]> = fc.array(apiRequest, { minLength: 1, maxLength: 5 });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(url: string, req: ApiRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const outgoing = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.path, headers: req.headers, agent: false, timeout: 5000 },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within 5 s to ${req.method} ${req.path}`)));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** Checks one answer against what Toxiproxy would send; throws what is wrong. */
function checkAnswer(req: ApiRequest, answer: Answer): void {
  const where = `${req.method} ${req.path} → ${answer.status}`;
  if (!toxiproxyStatuses.has(answer.status)) throw new Error(`${where}: a status Toxiproxy never sends`);
  if (answer.headers['x-toxiproxy-request-id'] === undefined && answer.status !== 400) throw new Error(`${where}: no X-Toxiproxy-Request-Id`);
  const type = String(answer.headers['content-type'] ?? '');
  if (req.method === 'HEAD') return;
  if (type.startsWith('application/json')) {
    try {
      JSON.parse(answer.body);
    } catch {
      throw new Error(`${where}: labelled JSON but is not: ${answer.body.slice(0, 200)}`);
    }
  }
  if (
    answer.status >= 400 &&
    answer.status !== 405 &&
    type.startsWith('text/plain') &&
    answer.body !== '404 page not found\n' &&
    answer.body !== 'User agent not allowed\n'
  ) {
    let parsed: { error?: unknown; status?: unknown };
    try {
      parsed = JSON.parse(answer.body) as typeof parsed;
    } catch {
      throw new Error(`${where}: an API error not in Toxiproxy's shape: ${answer.body.slice(0, 200)}`);
    }
    if (typeof parsed.error !== 'string' || parsed.status !== answer.status) throw new Error(`${where}: error body ${answer.body.slice(0, 200)}`);
  }
  if (answer.status === 204 && answer.body !== '') throw new Error(`${where}: 204 with a body`);
}

const plain = { host: '127.0.0.1', 'user-agent': 'faultline-fuzz' };

/** After a sequence: alive, loopback only, and empty once every proxy is deleted. */
async function checkAfter(url: string): Promise<void> {
  const version = await send(url, { method: 'GET', path: '/version', headers: plain });
  if (version.status !== 200) throw new Error(`/version answers ${version.status} after the sequence`);
  const list = await send(url, { method: 'GET', path: '/proxies', headers: plain });
  const proxies = JSON.parse(list.body) as Record<string, { listen: string }>;
  for (const [proxyName, proxy] of Object.entries(proxies)) {
    if (!/^(127\.\d+\.\d+\.\d+|\[::1\]):\d+$/.test(proxy.listen))
      throw new Error(`proxy ${JSON.stringify(proxyName)} listens on ${proxy.listen}, not loopback`);
    const deleted = await send(url, { method: 'DELETE', path: `/proxies/${encodeURIComponent(proxyName)}`, headers: plain });
    if (deleted.status !== 204) throw new Error(`DELETE proxy ${JSON.stringify(proxyName)} answered ${deleted.status}`);
  }
  const after = await send(url, { method: 'GET', path: '/proxies', headers: plain });
  if (after.body !== '{}') throw new Error(`proxies left after deleting them all: ${after.body.slice(0, 200)}`);
}

/** A malformed request on a raw socket: the server answers 400 or closes, and stays up. */
export function sendRaw(url: string, bytes: string): Promise<string> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.hostname, port: Number(target.port) });
    const parts: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s to a raw request')));
    socket.on('data', (part: Buffer) => parts.push(part));
    socket.on('close', () => resolve(Buffer.concat(parts).toString('latin1')));
    socket.on('error', reject);
    socket.end(bytes, 'latin1');
  });
}

export async function startFuzzServer(): Promise<EmbeddedToxiproxy> {
  return startToxiproxy({ host: '127.0.0.1', port: 0, seed: 1 });
}

export function checkApiSequence(url: string, requests: readonly ApiRequest[]): Promise<Outcome> {
  return timed(async () => {
    let errors = 0;
    for (const req of requests) {
      const answer = await send(url, req);
      checkAnswer(req, answer);
      if (answer.status >= 400) errors++;
    }
    await checkAfter(url);
    return errors === 0 ? 'result' : 'input-error';
  });
}
