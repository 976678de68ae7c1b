/** Seeded pseudo-random numbers (mulberry32): the engine never uses Math.random for results. */

export type Rng = () => number;

/** A generator of uniform numbers in [0, 1), fully determined by the 32-bit seed. */
export function seededRandom(seed: number): Rng {
  // The state lives in an Int32Array: a captured number above 2^30 would be re-boxed as a
  // heap number on every draw (most of a draw's cost). The bits are the same.
  const state = new Int32Array([seed | 0]);
  return () => {
    const a = (state[0] = (state[0] + 0x6d2b79f5) | 0);
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(
  a: T,
  rng: Rng
): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** Derives an independent seed for a named purpose (e.g. 'shuffle', 'init'). */
export function deriveSeed(seed: number, purpose: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < purpose.length; i++)
    h = Math.imul(h ^ purpose.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
