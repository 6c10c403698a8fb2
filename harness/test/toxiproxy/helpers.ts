import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import { startToxiproxy, type EmbeddedToxiproxy } from '../../src/toxiproxy/index.ts';

const cleanups: (() => Promise<void> | void)[] = [];

/** Registers cleanup beside creation; everything runs after each test, newest first. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

export async function toxiproxy(seed = 1): Promise<EmbeddedToxiproxy> {
  const server = await startToxiproxy({ port: 0, seed });
  onCleanup(() => server.close());
  return server;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  onCleanup(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A TCP echo server (half-close aware: ends after echoing everything). */
export function echoServer(): Promise<string> {
  return listen(createServer({ allowHalfOpen: true }, (s) => s.pipe(s)));
}

/** A TCP server that answers each connection with `onConnection`. */
export function tcpServer(onConnection: (socket: Socket) => void): Promise<string> {
  return listen(createServer({ allowHalfOpen: true }, onConnection));
}

/** A free loopback port nobody listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: () => any;
}

/** A raw API call, to check exact shapes. */
export async function api(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** Creates a proxy on a free port and returns its listen address. */
export async function createProxy(
  base: string,
  name: string,
  upstream: string,
  extra: Record<string, unknown> = {},
): Promise<{ host: string; port: number; listen: string }> {
  const answer = await api(base, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream, ...extra });
  if (answer.status !== 201) throw new Error(`create failed: ${answer.status} ${answer.text}`);
  const listen = answer.json().listen as string;
  const [host, port] = listen.split(':');
  return { host: host!, port: Number(port), listen };
}

export async function addToxic(base: string, proxy: string, toxic: Record<string, unknown>): Promise<ApiAnswer> {
  const answer = await api(base, 'POST', `/proxies/${proxy}/toxics`, toxic);
  if (answer.status !== 200) throw new Error(`toxic failed: ${answer.status} ${answer.text}`);
  return answer;
}

/** Opens a client connection (cleaned up after the test). */
export async function client(port: number, host = '127.0.0.1'): Promise<Socket> {
  const socket = connect({ port, host, allowHalfOpen: true });
  socket.on('error', () => undefined);
  onCleanup(() => void socket.destroy());
  await once(socket, 'connect');
  return socket;
}

export interface Received {
  data: Buffer;
  /** How the connection ended: 'end' (FIN), 'reset' (ECONNRESET) or 'close'. */
  ending: 'end' | 'reset' | 'close';
  /** ms from the call to the ending */
  elapsedMs: number;
  /** ms from the call to each chunk */
  chunkTimesMs: number[];
  chunkSizes: number[];
}

/** Collects everything a socket receives until it ends, is reset or closes. */
export function receiveAll(socket: Socket): Promise<Received> {
  const start = performance.now();
  const parts: Buffer[] = [];
  const chunkTimesMs: number[] = [];
  const chunkSizes: number[] = [];
  return new Promise((resolve) => {
    let done = false;
    const finish = (ending: Received['ending']): void => {
      if (done) return;
      done = true;
      resolve({ data: Buffer.concat(parts), ending, elapsedMs: performance.now() - start, chunkTimesMs, chunkSizes });
    };
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      chunkTimesMs.push(performance.now() - start);
      chunkSizes.push(d.length);
    });
    socket.on('end', () => finish('end'));
    socket.on('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNRESET' ? 'reset' : 'close'));
    socket.on('close', () => finish('close'));
  });
}

/** Waits for the first `n` bytes on a socket; resolves with them and the time taken. */
export function receiveBytes(socket: Socket, n: number): Promise<{ data: Buffer; elapsedMs: number }> {
  const start = performance.now();
  const parts: Buffer[] = [];
  let total = 0;
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      parts.push(d);
      total += d.length;
      if (total >= n) {
        socket.off('data', onData);
        resolve({ data: Buffer.concat(parts), elapsedMs: performance.now() - start });
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`closed after ${total} of ${n} bytes`)));
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is true (or fails after `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** The value of one sample of /metrics. */
export async function metricValue(base: string, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const text = (await api(base, 'GET', '/metrics')).text;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}
