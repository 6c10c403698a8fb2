import { request } from 'undici';
import { FaultlineError } from '../errors.ts';
import type { ToxicSpec } from '../faults/context.ts';
import { ToxiproxyHttpError } from './not-found.ts';

/** A proxy as Toxiproxy's API describes it. */
export interface ProxyState {
  name: string;
  /** `host:port` it listens on. */
  listen: string;
  /** `host:port` it forwards to. */
  upstream: string;
  enabled: boolean;
}

/**
 * Toxiproxy 2.x's HTTP API, the calls faultline makes and nothing more: no journal, no policy.
 * Its own small client rather than toxiproxy-node-client's because that one reports an HTTP
 * error as message text only (`Request failed with status code 404`), and "not found" must be
 * told apart by status (see not-found.ts), and it drops the server's own error message. Paths
 * and shapes: reference/toxiproxy-api.md.
 */
/** Longest wait for one answer of the Toxiproxy API, ms: 10 s, or FAULTLINE_TOXIPROXY_TIMEOUT_MS
 * (tests of a slow Toxiproxy set it short). */
function callTimeoutMs(): number {
  const fromEnv = Number(process.env['FAULTLINE_TOXIPROXY_TIMEOUT_MS']);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 10_000;
}

export class ToxiproxyApi {
  private readonly timeoutMs: number;
  constructor(
    readonly url: string,
    options: { callTimeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.callTimeoutMs ?? callTimeoutMs();
  }

  /** `GET /version` as sent (JSON in 2.12, a bare string in older releases). */
  version(): Promise<string> {
    return this.call('GET', '/version');
  }

  async getProxy(name: string): Promise<ProxyState> {
    return JSON.parse(await this.call('GET', `/proxies/${encodeURIComponent(name)}`)) as ProxyState;
  }

  /** `POST /populate`: creates or replaces each proxy of the same name. */
  async populate(proxies: readonly ProxyState[]): Promise<ProxyState[]> {
    return (JSON.parse(await this.call('POST', '/populate', proxies)) as { proxies: ProxyState[] }).proxies;
  }

  async updateProxy(name: string, body: Omit<ProxyState, 'name'>): Promise<ProxyState> {
    return JSON.parse(await this.call('POST', `/proxies/${encodeURIComponent(name)}`, body)) as ProxyState;
  }

  async deleteProxy(name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(name)}`);
  }

  async addToxic(proxy: string, toxic: ToxicSpec): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, toxic);
  }

  async deleteToxic(proxy: string, toxic: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`);
  }

  /** `GET /extensions`: the toxic types faultline's server has beyond Toxiproxy's (a real
   * Toxiproxy answers 404: it has none). */
  async extensionToxics(): Promise<string[]> {
    const body = JSON.parse(await this.call('GET', '/extensions')) as { toxics?: { type: string }[] };
    return (body.toxics ?? []).map((t) => t.type);
  }

  /** `GET /metrics` (the embedded server's Prometheus text; a real Toxiproxy may have none). */
  metrics(): Promise<string> {
    return this.call('GET', '/metrics');
  }

  /** One request; the body as text. HTTP errors become ToxiproxyHttpError (status kept),
   * network errors FL_TOXIPROXY_UNREACHABLE. */
  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<string> {
    let status: number;
    let text: string;
    try {
      const response = await request(`${this.url}${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        // A Toxiproxy that hangs must not hang the run (or its cleanup) with it.
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      const code = (error as { code?: unknown }).code;
      const why =
        code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
          ? `no answer within ${this.timeoutMs} ms`
          : `${error instanceof Error ? error.message : String(error)}${cause}`;
      throw new FaultlineError('FL_TOXIPROXY_UNREACHABLE', `Toxiproxy at ${this.url}: ${method} ${path} failed (${why})`, { cause: error });
    }
    if (status < 200 || status >= 300) throw new ToxiproxyHttpError(method, path, status, text, this.url);
    return text;
  }
}
