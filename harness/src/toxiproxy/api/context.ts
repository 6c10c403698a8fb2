import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ProxyCollection } from '../proxy/collection.ts';
import type { ProxyMetrics } from '../metrics.ts';

/** Everything a route handler gets. */
export interface ApiContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Path parameters: `proxy`, `toxic`. */
  readonly params: Readonly<Record<string, string>>;
  readonly proxies: ProxyCollection;
  /** The whole request body as text. */
  body(): Promise<string>;
  metrics(): ProxyMetrics[];
}

export type Handler = (ctx: ApiContext) => Promise<void>;
