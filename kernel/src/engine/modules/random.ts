/**
 * Per-item randomness of the augmentation and noise modules: a generator derived from the
 * module's `seed` parameter and the item's split and index, so each item gets its own stream
 * that does not depend on processing order, batching or worker threads.
 */
import type { DataDict } from '../data/datadict';
import { deriveSeed, seededRandom, type Rng } from '../util/random';
import type { ModuleContext } from './types';

export function itemRandom(seed: number, data: DataDict, context?: ModuleContext): Rng {
  const index = context?.index ?? data.meta?.index ?? 0;
  const split = context?.split ?? data.meta?.split ?? '';
  return seededRandom(deriveSeed(seed, `${split}:${index}`));
}

/** Standard normal deviate (Box–Muller). */
export function normal(rng: Rng): number {
  let u = rng();
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Poisson deviate: Knuth's product method for small means, a normal approximation above 64. */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 64) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng();
  while (p > limit) {
    k++;
    p *= rng();
  }
  return k;
}

/** Uniform number in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** JSON Schema of the `seed` parameter every random module has. */
export const SEED_PARAM = {
  type: 'integer',
  minimum: 0,
  maximum: 4294967295,
  default: 0,
  description: 'Seed; each item draws from its own stream derived from it and its index.'
};
