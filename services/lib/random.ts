/** A source of uniform numbers in [0, 1). Seeded, so every random decision of a run repeats. */
export type Random = () => number;

/**
 * mulberry32: a tiny, fast PRNG with good enough spread for jitter and fault sampling.
 * Not for cryptography. The same seed always yields the same sequence.
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit number for a label, so each service derives its own stream from one seed. */
export function hashSeed(seed: number, label: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
