/**
 * Random search: every configuration drawn uniformly (log-uniform for log-float) from the
 * space, with the same number of trials per generation as the GA, so the two compare at the
 * same trial budget and seed (bench/tune.mjs).
 */
import type { GaSettings, SearchParameter } from '../../../../schema/study';
import { deriveSeed, seededRandom } from '../util/random';
import { trialsInGeneration, type Evaluated, type Strategy } from './ga';
import { sampleParams } from './operators';
import type { Params } from './space';

export class RandomSearch implements Strategy {
  private readonly tuned: SearchParameter[];

  constructor(
    space: readonly SearchParameter[],
    private readonly ga: GaSettings,
    private readonly seed: number
  ) {
    this.tuned = space.filter(p => p.tuned);
  }

  propose(g: number): Params[] {
    const rng = seededRandom(deriveSeed(this.seed, `initial:${g}`));
    return Array.from({ length: trialsInGeneration(this.ga, g) }, () =>
      sampleParams(this.tuned, rng)
    );
  }

  observe(g: number, results: Evaluated[]): void {
    void g;
    void results;
  }
}
