/**
 * The genetic algorithm that proposes each generation's configurations. Generation 0 is
 * random. After each generation, the population is the `population` fittest configurations
 * evaluated so far — parents and children compete ((μ+λ) survivor selection), so a good
 * configuration stays a parent until better ones replace it. The `elitism` fittest are carried
 * over unchanged (not trained again); the rest of the next generation are children: two
 * parents by tournament from the population, uniform crossover (each gene from either parent,
 * so values that work together across parameters — an optimizer and its learning rate — are
 * not averaged away), mutation and perturbation. Children that repeat a configuration already
 * tried are mutated again, so the trial budget is not spent twice on one experiment. The last
 * `immigrants` of each generation are random configurations instead of children: a population
 * that converged on one region (one optimizer) keeps sampling the rest of the space, which the
 * best-of-study needs when single validation readings are as noisy as the differences between
 * good configurations.
 *
 * Proposals depend only on the seed, the generation number and the results observed, so a
 * resumed study replays the same decisions.
 */
import type { GaSettings, SearchParameter } from '../../../../schema/study';
import { deriveSeed, seededRandom } from '../util/random';
import {
  crossover,
  elite,
  mutate,
  paramsKey,
  perturb,
  sampleParams,
  tournament
} from './operators';
import type { Params } from './space';

/** A configuration with its fitness (higher is better; -Infinity for failed trials). */
export interface Evaluated {
  params: Params;
  fitness: number;
}

/** A strategy proposes the configurations of each generation from the results seen so far. */
export interface Strategy {
  /** Configurations to train in generation `g` (call after `observe` of g - 1). */
  propose(g: number): Params[];
  /** The trained results of generation `g`. */
  observe(g: number, results: Evaluated[]): void;
}

/** How many trials a generation trains: the whole population first, then all but the elites. */
export function trialsInGeneration(ga: GaSettings, g: number): number {
  return g === 0 ? ga.population : Math.max(1, ga.population - ga.elitism);
}

/** Checks GA settings; the error names the setting. */
export function checkGaSettings(ga: GaSettings): void {
  const int = (k: keyof GaSettings, min: number) => {
    const v = ga[k] as number;
    if (!Number.isInteger(v) || v < min) {
      throw new Error(`autotune: ${k} must be an integer >= ${min} (got ${JSON.stringify(v)})`);
    }
  };
  int('population', 1);
  int('generations', 1);
  int('elitism', 0);
  int('tournament_size', 1);
  if (ga.immigrants !== undefined) int('immigrants', 0);
  if (ga.elitism >= ga.population && ga.generations > 1) {
    throw new Error(
      `autotune: elitism (${ga.elitism}) must be smaller than population (${ga.population})`
    );
  }
  for (const k of ['crossover_rate', 'mutation_rate', 'perturbation'] as const) {
    if (typeof ga[k] !== 'number' || !(ga[k] >= 0 && ga[k] <= 1)) {
      throw new Error(`autotune: ${k} must be in [0, 1] (got ${JSON.stringify(ga[k])})`);
    }
  }
}

export class GeneticAlgorithm implements Strategy {
  private readonly tuned: SearchParameter[];
  /** The fittest `population` configurations evaluated so far, best first. */
  private pool: Evaluated[] = [];
  private elites: Evaluated[] = [];
  private readonly seen = new Set<string>();

  constructor(
    space: readonly SearchParameter[],
    private readonly ga: GaSettings,
    private readonly seed: number
  ) {
    this.tuned = space.filter(p => p.tuned);
  }

  propose(g: number): Params[] {
    const n = trialsInGeneration(this.ga, g);
    // Generation 0 is drawn exactly as random search draws it (same seed, same stream): the
    // two differ only in what comes after, which makes their comparison fair.
    const rng = seededRandom(deriveSeed(this.seed, g === 0 ? 'initial:0' : `ga:generation:${g}`));
    const out: Params[] = [];
    const fresh = (x: Params) => {
      const key = paramsKey(x, this.tuned);
      return !this.seen.has(key) && !out.some(o => paramsKey(o, this.tuned) === key);
    };
    const random = () => {
      let x = sampleParams(this.tuned, rng);
      for (let tries = 0; tries < 20 && !fresh(x); tries++) x = sampleParams(this.tuned, rng);
      return x;
    };
    if (g === 0 || this.pool.length === 0) {
      for (let i = 0; i < n; i++) out.push(random());
      return out;
    }
    const fit = (e: Evaluated) => e.fitness;
    // At least one child per generation: immigrants never replace the whole generation.
    const immigrants = Math.min(this.ga.immigrants ?? 0, n - 1);
    for (let i = 0; i < n - immigrants; i++) {
      const a = tournament(this.pool, fit, this.ga.tournament_size, rng);
      const b = tournament(this.pool, fit, this.ga.tournament_size, rng);
      let x = crossover(a.params, b.params, this.tuned, this.ga.crossover_rate, rng);
      x = mutate(x, this.tuned, this.ga.mutation_rate, rng);
      x = perturb(x, this.tuned, this.ga.perturbation, rng);
      // A repeat of a tried configuration: mutate every gene until it is new (bounded tries).
      for (let tries = 0; tries < 20 && !fresh(x); tries++) {
        x = perturb(mutate(x, this.tuned, 1, rng), this.tuned, this.ga.perturbation, rng);
      }
      out.push(x);
    }
    for (let i = 0; i < immigrants; i++) out.push(random());
    return out;
  }

  observe(g: number, results: Evaluated[]): void {
    void g;
    for (const r of results) this.seen.add(paramsKey(r.params, this.tuned));
    this.pool = elite([...this.pool, ...results], e => e.fitness, this.ga.population);
    this.elites = this.pool.slice(0, this.ga.elitism);
  }

  /** The configurations carried into the next generation unchanged. */
  currentElites(): Evaluated[] {
    return this.elites.slice();
  }
}
