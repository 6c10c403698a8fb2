// The toxic churn of a soak: every tick, add, update or remove one random toxic on one random
// proxy through the Toxiproxy HTTP API, so the server builds and tears down toxic stages while
// traffic flows. `randomToxic` is pure (a random source in, a toxic out).
import type { ToxicSpec } from '../src/faults/context.ts';

/** Attribute generators per toxic type, in Toxiproxy's units (ms, KB/s, bytes). Values keep
 * the traffic moving: a soak is about the server's bookkeeping, not about starving clients. */
const attributes: Readonly<Record<string, (r: () => number) => Record<string, number>>> = {
  latency: (r) => ({ latency: Math.round(r() * 200), jitter: Math.round(r() * 50) }),
  bandwidth: (r) => ({ rate: 64 + Math.round(r() * 2048) }),
  slow_close: (r) => ({ delay: Math.round(r() * 500) }),
  timeout: (r) => ({ timeout: Math.round(r() * 1000) }),
  reset_peer: (r) => ({ timeout: Math.round(r() * 500) }),
  limit_data: (r) => ({ bytes: 1024 + Math.round(r() * 256 * 1024) }),
  slicer: (r) => ({ average_size: 16 + Math.round(r() * 1024), size_variation: Math.round(r() * 8), delay: Math.round(r() * 2000) }),
};
export const soakToxicTypes = Object.keys(attributes);

/** A random toxic of a random type (or of `type`) named `name`. */
export function randomToxic(random: () => number, name: string, type?: string): ToxicSpec {
  const chosen = type ?? soakToxicTypes[Math.floor(random() * soakToxicTypes.length)]!;
  const make = attributes[chosen];
  if (!make) throw new Error(`no soak toxic of type ${chosen}`);
  return {
    name,
    type: chosen,
    stream: random() < 0.5 ? 'upstream' : 'downstream',
    toxicity: Math.round((0.3 + 0.7 * random()) * 100) / 100,
    attributes: make(random),
  };
}

export interface ToxicChurnStats {
  added: number;
  updated: number;
  removed: number;
  /** API calls answered with an error (none expected). */
  failed: number;
  lastError?: string;
}

/**
 * Add / update / remove one toxic per `tick()` on the proxies of the server at `api`, at most
 * `maxPerProxy` on each. `clear()` removes every toxic it added (the soak's quiet moment
 * before a sample).
 */
export class ToxicChurn {
  readonly stats: ToxicChurnStats = { added: 0, updated: 0, removed: 0, failed: 0 };
  private readonly live = new Map<string, ToxicSpec[]>();
  private serial = 0;

  constructor(
    private readonly api: string,
    private readonly proxies: readonly string[],
    private readonly random: () => number,
    private readonly maxPerProxy = 3,
  ) {
    for (const proxy of proxies) this.live.set(proxy, []);
  }

  async tick(): Promise<void> {
    const proxy = this.proxies[Math.floor(this.random() * this.proxies.length)]!;
    const toxics = this.live.get(proxy)!;
    const roll = this.random();
    if (toxics.length === 0 || (roll < 0.4 && toxics.length < this.maxPerProxy)) {
      const toxic = randomToxic(this.random, `soak_${++this.serial}`);
      if (await this.call('POST', `/proxies/${proxy}/toxics`, toxic)) {
        toxics.push(toxic);
        this.stats.added++;
      }
    } else if (roll < 0.7) {
      const index = Math.floor(this.random() * toxics.length);
      const old = toxics[index]!;
      const toxic = { ...randomToxic(this.random, old.name, old.type), stream: old.stream };
      if (await this.call('POST', `/proxies/${proxy}/toxics/${old.name}`, { attributes: toxic.attributes, toxicity: toxic.toxicity })) {
        toxics[index] = toxic;
        this.stats.updated++;
      }
    } else {
      const [toxic] = toxics.splice(Math.floor(this.random() * toxics.length), 1);
      if (await this.call('DELETE', `/proxies/${proxy}/toxics/${toxic!.name}`)) this.stats.removed++;
    }
  }

  async clear(): Promise<void> {
    for (const [proxy, toxics] of this.live) {
      for (const toxic of toxics.splice(0)) if (await this.call('DELETE', `/proxies/${proxy}/toxics/${toxic.name}`)) this.stats.removed++;
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<boolean> {
    try {
      const response = await fetch(`${this.api}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      await response.arrayBuffer();
      if (response.ok) return true;
      this.stats.lastError = `${method} ${path}: ${response.status}`;
    } catch (error) {
      this.stats.lastError = `${method} ${path}: ${String(error)}`;
    }
    this.stats.failed++;
    return false;
  }
}
