import { Pool } from 'undici';

/**
 * One small keep-alive pool per service origin: a poller reaches each service over one
 * connection, made once, instead of a new connection per poll.
 */
export class PoolsByOrigin {
  private readonly pools = new Map<string, Pool>();

  get(url: string): Pool {
    let pool = this.pools.get(url);
    if (!pool) {
      pool = new Pool(url, { connections: 1, keepAliveTimeout: 10_000 });
      this.pools.set(url, pool);
    }
    return pool;
  }

  /** Closes every connection; later calls of `get` open new ones. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.destroy()));
    this.pools.clear();
  }
}
