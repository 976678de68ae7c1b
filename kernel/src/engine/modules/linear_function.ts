/**
 * Linear function: v → slope · v + intercept, saturated and rounded to the image's dtype
 * (as cv2's convertTo / addWeighted, in float32 like OpenCV; float images stay float).
 */
import type { ModuleDefinition } from './types';
import { mapValues } from './image';
import { isIntegerDType } from '../data/ndarray';

export interface LinearParams {
  slope: number;
  intercept: number;
}

export const linearFunction: ModuleDefinition<LinearParams> = {
  name: 'linear_function',
  category: 'Grayscale',
  modality: ['any'],
  dimension: 'any',
  origin: 'builtin',
  description: 'Apply slope · value + intercept to every pixel (dtype kept, saturated).',
  params: {
    type: 'object',
    properties: {
      slope: {
        type: 'number',
        minimum: -1000,
        maximum: 1000,
        default: 1,
        description: 'Multiplier (contrast).'
      },
      intercept: { type: 'number', default: 0, description: 'Offset added after scaling.' }
    },
    additionalProperties: false
  },
  apply(data, { slope, intercept }) {
    if (isIntegerDType(data.image.array.dtype)) {
      // OpenCV evaluates integer images as one fused multiply-add of float32 coefficients,
      // rounded once to float32; do the same so that halves round alike.
      const a = Math.fround(slope);
      const b = Math.fround(intercept);
      return mapValues(data, 'linear_function', v => Math.fround(v * a + b), `${a},${b}`);
    }
    return mapValues(data, 'linear_function', v => slope * v + intercept);
  }
};
