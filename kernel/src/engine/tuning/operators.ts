/**
 * The genetic operators: random sampling, tournament selection, crossover, mutation and
 * perturbation, and elitism. Numbers are handled in a unit coordinate per parameter (linear
 * for int/float, logarithmic for log-float), so a step means the same share of the range for
 * every parameter. Every result passes through `clampValue`: values never leave their bounds,
 * ints stay ints and categoricals stay among their choices. All randomness comes from the
 * seeded generator passed in.
 */
import type { ParamValue, SearchParameter } from '../../../../schema/study';
import type { Rng } from '../util/random';
import type { Params } from './space';

type Numeric = Extract<SearchParameter, { low: number }>;
type Categorical = Extract<SearchParameter, { type: 'categorical' }>;

function isCategorical(p: SearchParameter): p is Categorical {
  return p.type === 'categorical';
}

/** A standard normal draw (Box–Muller) from the seeded generator. */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** The value's place in its range, 0..1 (log scale for log-float). */
export function toUnit(p: Numeric, v: number): number {
  if (p.high === p.low) return 0.5;
  if (p.type === 'log-float') return Math.log(v / p.low) / Math.log(p.high / p.low);
  return (v - p.low) / (p.high - p.low);
}

/** The value at a place 0..1 of the range (ints rounded, bounds kept). */
export function fromUnit(p: Numeric, u: number): number {
  const t = Math.min(1, Math.max(0, u));
  const v =
    p.type === 'log-float'
      ? p.low * Math.exp(t * Math.log(p.high / p.low))
      : p.low + t * (p.high - p.low);
  return clampValue(p, v) as number;
}

/** Brings a value into the parameter's domain: bounds, integer rounding, known choices. */
export function clampValue(p: SearchParameter, v: ParamValue): ParamValue {
  if (isCategorical(p)) {
    if (!p.choices.includes(v)) {
      throw new Error(`parameter '${p.name}': ${JSON.stringify(v)} is not one of its choices`);
    }
    return v;
  }
  if (typeof v !== 'number' || Number.isNaN(v)) {
    throw new Error(`parameter '${p.name}': expected a number (got ${JSON.stringify(v)})`);
  }
  const bounded = Math.min(p.high, Math.max(p.low, v));
  return p.type === 'int' ? Math.min(p.high, Math.max(p.low, Math.round(bounded))) : bounded;
}

/** A uniform draw: over the choices, the integers, the range, or the log of the range. */
export function sampleValue(p: SearchParameter, rng: Rng): ParamValue {
  if (isCategorical(p)) return p.choices[Math.floor(rng() * p.choices.length)];
  if (p.type === 'int') return clampValue(p, p.low + Math.floor(rng() * (p.high - p.low + 1)));
  return fromUnit(p, rng());
}

/** A random configuration of the tuned parameters. */
export function sampleParams(tuned: readonly SearchParameter[], rng: Rng): Params {
  const out: Params = {};
  for (const p of tuned) out[p.name] = sampleValue(p, rng);
  return out;
}

/**
 * Tournament selection: `size` members drawn with replacement, the fittest wins (higher
 * fitness is better; failed trials carry -Infinity and only win against each other).
 */
export function tournament<T>(
  pool: readonly T[],
  fitness: (t: T) => number,
  size: number,
  rng: Rng
): T {
  if (pool.length === 0) throw new Error('tournament: the pool is empty');
  let best = pool[Math.floor(rng() * pool.length)];
  for (let i = 1; i < Math.max(1, size); i++) {
    const other = pool[Math.floor(rng() * pool.length)];
    if (fitness(other) > fitness(best)) best = other;
  }
  return best;
}

/** The `k` fittest members, best first (stable: earlier members win ties). */
export function elite<T>(pool: readonly T[], fitness: (t: T) => number, k: number): T[] {
  return pool
    .map((t, i) => ({ t, i, f: fitness(t) }))
    .sort((a, b) => (b.f > a.f ? 1 : b.f < a.f ? -1 : a.i - b.i))
    .slice(0, Math.max(0, k))
    .map(e => e.t);
}

/**
 * Uniform crossover with probability `rate` (else a copy of `a`): each gene comes from either
 * parent with equal chance. Values are never averaged: a learning rate that works with one
 * parent's optimizer is not blended with another's.
 */
export function crossover(
  a: Params,
  b: Params,
  tuned: readonly SearchParameter[],
  rate: number,
  rng: Rng
): Params {
  const child: Params = { ...a };
  if (rng() >= rate) return child;
  for (const p of tuned) child[p.name] = rng() < 0.5 ? a[p.name] : b[p.name];
  return child;
}

/**
 * Mutation: each gene with probability `rate` takes a large step — a normal step of 0.25 of
 * its range (log range for log-float; at least ±1 for a changeable int), or another choice for
 * a categorical.
 */
export function mutate(
  x: Params,
  tuned: readonly SearchParameter[],
  rate: number,
  rng: Rng
): Params {
  const out: Params = { ...x };
  for (const p of tuned) {
    if (rng() >= rate) continue;
    if (isCategorical(p)) {
      const others = p.choices.filter(c => c !== x[p.name]);
      if (others.length > 0) out[p.name] = others[Math.floor(rng() * others.length)];
      continue;
    }
    const v = x[p.name] as number;
    let next = fromUnit(p, toUnit(p, v) + 0.25 * gaussian(rng));
    if (p.type === 'int' && next === v && p.high > p.low) {
      next = v === p.high ? v - 1 : v === p.low ? v + 1 : v + (rng() < 0.5 ? -1 : 1);
    }
    out[p.name] = next;
  }
  return out;
}

/**
 * Perturbation: every numeric gene takes a small normal step of `step` of its range (local
 * refinement around good parents); categoricals stay.
 */
export function perturb(
  x: Params,
  tuned: readonly SearchParameter[],
  step: number,
  rng: Rng
): Params {
  const out: Params = { ...x };
  if (step <= 0) return out;
  for (const p of tuned) {
    if (isCategorical(p)) continue;
    out[p.name] = fromUnit(p, toUnit(p, x[p.name] as number) + step * gaussian(rng));
  }
  return out;
}

/** A stable key of a configuration (for recognising configurations already tried). */
export function paramsKey(x: Params, tuned: readonly SearchParameter[]): string {
  return JSON.stringify(
    tuned.map(p => {
      const v = x[p.name];
      // Floats compare at 6 significant digits: nearer than that is the same experiment.
      return typeof v === 'number' && p.type !== 'int' ? Number(v.toPrecision(6)) : v;
    })
  );
}
