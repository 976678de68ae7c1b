/**
 * Linear function: v → slope · v + intercept, saturated and rounded to the image's dtype
 * (as cv2's convertTo / addWeighted; float images stay float).
 */
import type { ModuleDefinition } from './types';
import { mapValues } from './image';

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
    return mapValues(data, 'linear_function', v => slope * v + intercept);
  }
};
