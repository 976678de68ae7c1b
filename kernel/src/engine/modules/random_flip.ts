/** Random flip (augmentation): mirrors each item left-right and/or top-bottom by chance. */
import type { ModuleDefinition } from './types';
import { flipImage } from './flip';
import { itemRandom, SEED_PARAM } from './random';

export interface RandomFlipParams {
  horizontal: number;
  vertical: number;
  seed: number;
}

const probability = (what: string) => ({
  type: 'number',
  minimum: 0,
  maximum: 1,
  default: 0.5,
  description: `Probability of a ${what} flip.`
});

export const randomFlip: ModuleDefinition<RandomFlipParams> = {
  name: 'random_flip',
  category: 'Augmentation',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Flip items at random, left-right and/or top-bottom (seeded per item).',
  params: {
    type: 'object',
    properties: {
      horizontal: probability('left-right'),
      vertical: { ...probability('top-bottom'), default: 0 },
      seed: SEED_PARAM
    },
    additionalProperties: false
  },
  apply(data, { horizontal, vertical, seed }, context) {
    const rng = itemRandom(seed, data, context);
    // Always draw both, so that one probability does not shift the other's stream.
    const fx = rng() < horizontal;
    const fy = rng() < vertical;
    if (fx && fy) return flipImage(data, 'both', 'random_flip');
    if (fx) return flipImage(data, 'horizontal', 'random_flip');
    if (fy) return flipImage(data, 'vertical', 'random_flip');
    return data;
  }
};
