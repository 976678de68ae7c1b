/**
 * Min-max normalization: maps each image's own minimum and maximum to [min, max] (float32).
 * A constant image maps to `min`.
 */
import type { ModuleDefinition } from './types';
import { pixels, withImage } from './image';

export interface MinMaxParams {
  min: number;
  max: number;
}

export const minMaxNormalization: ModuleDefinition<MinMaxParams> = {
  name: 'min_max_normalization',
  category: 'General',
  modality: ['any'],
  description: "Stretch each image's own value range to [min, max] (float32).",
  params: {
    type: 'object',
    properties: {
      min: {
        type: 'number',
        default: 0,
        description: "Output value of the image's darkest pixel."
      },
      max: {
        type: 'number',
        default: 1,
        description: "Output value of the image's brightest pixel."
      }
    },
    additionalProperties: false
  },
  check: p => (p.min < p.max ? [] : [`min must be < max (got min ${p.min}, max ${p.max})`]),
  apply(data, { min, max }) {
    const src = pixels(data, 'min_max_normalization');
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < src.length; i++) {
      if (src[i] < lo) lo = src[i];
      if (src[i] > hi) hi = src[i];
    }
    const scale = hi > lo ? (max - min) / (hi - lo) : 0;
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = (src[i] - lo) * scale + min;
    return withImage(
      data,
      { data: out, shape: data.image.array.shape.slice(), dtype: 'float32' },
      { pixel_value_range: [min, max] }
    );
  }
};
