/**
 * Noise, seeded per item: additive Gaussian (sigma as a fraction of the value range), Poisson
 * (shot noise: values scaled to counts, as skimage.util.random_noise) or salt-and-pepper
 * (a fraction `amount` of pixels set to the range's ends). The dtype is kept (saturated).
 */
import type { ModuleDefinition } from './types';
import { allocate } from '../data/ndarray';
import { integerPixels, pixels, storeAs, withImage } from './image';
import { addRoundedSimd } from '../simd/float-map';
import { itemRandom, poisson, SEED_PARAM } from './random';
import { fillNormals } from '../util/normal';
import { storeValues, valuesFor } from './typed-loops';

export interface NoiseParams {
  type: 'gaussian' | 'poisson' | 'salt_and_pepper';
  sigma: number;
  amount: number;
  salt_ratio: number;
  seed: number;
}

export const noise: ModuleDefinition<NoiseParams> = {
  name: 'noise',
  category: 'Augmentation',
  modality: ['any'],
  dimension: 'any',
  origin: 'builtin',
  description: 'Add Gaussian, Poisson or salt-and-pepper noise (seeded per item).',
  params: {
    type: 'object',
    properties: {
      type: {
        type: 'string',
        enum: ['gaussian', 'poisson', 'salt_and_pepper'],
        default: 'gaussian',
        description: 'Kind of noise.'
      },
      sigma: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 0.05,
        description: 'Standard deviation as a fraction of the value range; gaussian only.'
      },
      amount: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 0.05,
        description: 'Fraction of pixels replaced; salt_and_pepper only.'
      },
      salt_ratio: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 0.5,
        description: 'Share of salt (bright) among replaced pixels; salt_and_pepper only.'
      },
      seed: SEED_PARAM
    },
    additionalProperties: false,
    allOf: [
      {
        if: { required: ['type'], properties: { type: { not: { const: 'gaussian' } } } },
        then: {
          properties: { sigma: { const: 0.05 } },
          $comment: 'sigma applies only to gaussian noise'
        }
      },
      {
        if: { required: ['type'], properties: { type: { not: { const: 'salt_and_pepper' } } } },
        then: {
          properties: { amount: { const: 0.05 }, salt_ratio: { const: 0.5 } },
          $comment: 'amount and salt_ratio apply only to salt_and_pepper noise'
        }
      }
    ]
  },
  apply(data, p, context) {
    const rng = itemRandom(p.seed, data, context);
    const src = pixels(data, 'noise');
    const { dtype, shape } = data.image.array;
    const [lo, hi] = data.image.header.pixel_value_range;
    const span = hi - lo || 1;
    if (p.type === 'gaussian') {
      const sd = p.sigma * span;
      // uint8 / uint16: the draws go straight into the kernels' memory, added there.
      const ints = integerPixels(data);
      const simd =
        ints && addRoundedSimd(ints, offsets => fillNormals(rng, src.length, sd, offsets));
      if (simd) return withImage(data, { data: simd, shape: shape.slice(), dtype });
      const values = fillNormals(rng, src.length, sd, valuesFor(dtype, 'noise', src.length));
      for (let i = 0; i < src.length; i++) values[i] += src[i];
      return withImage(data, { data: storeValues(dtype, values), shape: shape.slice(), dtype });
    }
    const out = allocate(dtype, src.length);
    if (p.type === 'poisson') {
      // Counts per unit of the range: as many levels as distinct integer values (>= 256).
      const levels = Math.max(256, 2 ** Math.ceil(Math.log2(span + 1)));
      for (let i = 0; i < src.length; i++) {
        const t = Math.max(0, (src[i] - lo) / span);
        out[i] = storeAs(dtype, lo + (poisson(rng, t * levels) / levels) * span);
      }
    } else {
      for (let i = 0; i < src.length; i++) {
        if (rng() < p.amount)
          out[i] = rng() < p.salt_ratio ? storeAs(dtype, hi) : storeAs(dtype, lo);
        else out[i] = src[i];
      }
    }
    return withImage(data, { data: out, shape: shape.slice(), dtype });
  }
};
