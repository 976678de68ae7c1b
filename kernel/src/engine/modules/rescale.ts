/**
 * Rescaling: maps pixel values linearly from the image's declared value range
 * (header.pixel_value_range, [0, 255] for uint8 images) to [min, max], as float32. Using the
 * declared range rather than each image's own extremes keeps intensities comparable across
 * images (min_max_normalization does the per-image version).
 */
import type { ModuleDefinition } from './types';
import { pixels, withImage } from './image';

export interface RescaleParams {
  min: number;
  max: number;
}

export const rescale: ModuleDefinition<RescaleParams> = {
  name: 'rescale',
  category: 'General',
  modality: ['any'],
  description: 'Rescale pixel values linearly from the image value range to [min, max] (float32).',
  params: {
    type: 'object',
    properties: {
      min: {
        type: 'number',
        default: 0,
        description: 'Output value of the lowest possible pixel.'
      },
      max: {
        type: 'number',
        default: 1,
        description: 'Output value of the highest possible pixel.'
      }
    },
    additionalProperties: false
  },
  check: p => (p.min < p.max ? [] : [`min must be < max (got min ${p.min}, max ${p.max})`]),
  apply(data, { min, max }) {
    const src = pixels(data, 'rescale');
    const [lo, hi] = data.image.header.pixel_value_range;
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
