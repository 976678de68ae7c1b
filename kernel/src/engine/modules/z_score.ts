/**
 * Z-score normalization: subtracts each image's mean and divides by its standard deviation
 * (population std, as numpy's default), giving float32 values with mean 0 and std 1.
 */
import type { ModuleDefinition } from './types';
import { pixels, withImage } from './image';

export interface ZScoreParams {
  epsilon: number;
}

export const zScore: ModuleDefinition<ZScoreParams> = {
  name: 'z_score',
  category: 'General',
  modality: ['any'],
  dimension: 'any',
  origin: 'builtin',
  description: 'Standardize each image to mean 0 and standard deviation 1 (float32).',
  params: {
    type: 'object',
    properties: {
      epsilon: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 1e-8,
        description: 'Added to the standard deviation so that constant images do not divide by 0.'
      }
    },
    additionalProperties: false
  },
  apply(data, { epsilon }) {
    const src = pixels(data, 'z_score');
    let sum = 0;
    for (let i = 0; i < src.length; i++) sum += src[i];
    const mean = sum / src.length;
    let sq = 0;
    for (let i = 0; i < src.length; i++) sq += (src[i] - mean) ** 2;
    const scale = 1 / (Math.sqrt(sq / src.length) + epsilon);
    const out = new Float32Array(src.length);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < src.length; i++) {
      const v = (out[i] = (src[i] - mean) * scale);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return withImage(
      data,
      { data: out, shape: data.image.array.shape.slice(), dtype: 'float32' },
      { pixel_value_range: src.length ? [lo, hi] : [0, 0] }
    );
  }
};
