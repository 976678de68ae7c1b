/** Clipping: limits pixel values to [min, max] (np.clip); the dtype is kept. */
import type { ModuleDefinition } from './types';
import { mapValues } from './image';

export interface ClippingParams {
  min: number;
  max: number;
}

export const clipping: ModuleDefinition<ClippingParams> = {
  name: 'clipping',
  category: 'General',
  modality: ['any'],
  dimension: 'any',
  origin: 'builtin',
  description: 'Clip pixel values to the range [min, max].',
  params: {
    type: 'object',
    properties: {
      min: { type: 'number', default: 0, description: 'Values below become min.' },
      max: { type: 'number', default: 255, description: 'Values above become max.' }
    },
    additionalProperties: false
  },
  check: ({ min, max }) => (min <= max ? [] : [`min must be <= max (got min ${min}, max ${max})`]),
  apply(data, { min, max }) {
    const out = mapValues(
      data,
      'clipping',
      v => (v < min ? min : v > max ? max : v),
      `${min},${max}`
    );
    const [lo, hi] = data.image.header.pixel_value_range;
    out.image.header.pixel_value_range = [Math.max(lo, min), Math.min(hi, max)];
    return out;
  }
};
