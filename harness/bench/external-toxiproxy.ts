// The "shared" Toxiproxy of the signal trials: a `faultline toxiproxy` process started by the
// bench and kept across trials, holding proxies and toxics of its own (as a team's shared server
// would) that no trial may touch.
import { startCliProcess, type CliProcess } from './cli-process.ts';

export interface ExternalToxiproxy {
  url: string;
  /** GET /proxies as text with keys sorted: equal text, equal state. */
  state(): Promise<string>;
  /** The state right after the bench put its own proxies and toxics in. */
  baseline: string;
  stop(): Promise<void>;
}

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** JSON with object keys sorted, so two states compare as text whatever order keys came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

export async function startExternalToxiproxy(): Promise<ExternalToxiproxy> {
  const server: CliProcess = startCliProcess(['toxiproxy', '--port', '0', '--seed', '1'], {});
  const stop = async () => {
    if (server.hasExited()) return;
    server.child.kill('SIGTERM');
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
    await server.exited;
    clearTimeout(timer);
  };
  try {
    if (!(await server.waitForOutput(/listening on (http:\S+)/, 30_000))) throw new Error(`faultline toxiproxy did not start: ${server.output()}`);
    const url = /listening on (http:\S+)/.exec(server.output())![1]!;
    // Someone else's: an enabled proxy with a toxic, and a disabled one.
    await call(`${url}/proxies`, 'POST', { name: 'shared_db', listen: '127.0.0.1:0', upstream: '127.0.0.1:5432' });
    await call(`${url}/proxies/shared_db/toxics`, 'POST', {
      name: 'team_latency',
      type: 'latency',
      stream: 'downstream',
      attributes: { latency: 250, jitter: 10 },
    });
    await call(`${url}/proxies`, 'POST', { name: 'shared_cache', listen: '127.0.0.1:0', upstream: '127.0.0.1:6379', enabled: false });
    const state = async () => canonical(await call(`${url}/proxies`, 'GET'));
    return { url, state, baseline: await state(), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
