/**
 * The one seeded generator behind every random decision of the embedded server (toxicity rolls,
 * latency jitter, slicer sizes), so that the same seed and the same traffic replay the same
 * decisions. mulberry32: tiny, fast, and good enough for fault injection (not for crypto).
 */
export interface Random {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [0, n); 0 when n <= 0. */
  int(n: number): number;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    float: next,
    int: (n) => (n > 0 ? Math.floor(next() * n) : 0),
  };
}

/** A seed for runs that did not ask for one (still printed by the CLI so a run can be replayed). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
