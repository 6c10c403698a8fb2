/**
 * A deterministic 32-bit random number for request `seq` of a run seeded with `seed`; `slot`
 * tells apart several draws in one request. Derived by hashing rather than drawn from a
 * stream, so a request's value does not depend on which earlier requests were dropped.
 */
export function seededUint32(seed: number, seq: number, slot = 0): number {
  // splitmix32-style finaliser over a mix of the three inputs (Math.imul keeps it in 32 bits).
  let x = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(seq | 0, 0x85ebca6b) ^ Math.imul(slot + 1, 0xc2b2ae35)) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}
