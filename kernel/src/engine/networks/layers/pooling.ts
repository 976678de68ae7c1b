/** Pooling layers: MaxPooling2D, AveragePooling2D and their global variants. */
import { image, NO_PARAMS, schema, windowed } from './common';
import type { LayerDefinition } from './types';

function pool(type: string, what: string): LayerDefinition {
  return {
    type,
    category: 'Pooling',
    description: `Downsamples height and width by the ${what} of each window.`,
    inputs: { min: 1, max: 1 },
    params: {
      type: 'object',
      properties: {
        pool_size: schema.pair('Height and width of the pooling window.', 2),
        strides: {
          ...schema.pair('Step of the window; null = pool_size (non-overlapping windows).'),
          type: ['integer', 'array', 'null'],
          default: null
        },
        padding: schema.padding()
      },
      additionalProperties: false
    },
    outputShape(p, inputs) {
      const s = image(inputs);
      return [...windowed(p, s, 'pool_size', p.pool_size, p.strides ?? p.pool_size), s[2]];
    },
    paramCount: NO_PARAMS
  };
}

function globalPool(type: string, what: string): LayerDefinition {
  return {
    type,
    category: 'Pooling',
    description: `The ${what} of each channel over height and width: image → feature vector.`,
    inputs: { min: 1, max: 1 },
    params: { type: 'object', properties: {}, additionalProperties: false },
    outputShape: (_p, inputs) => [image(inputs)[2]],
    paramCount: NO_PARAMS
  };
}

export const maxPooling2d = pool('MaxPooling2D', 'maximum');
export const averagePooling2d = pool('AveragePooling2D', 'mean');
export const globalAveragePooling2d = globalPool('GlobalAveragePooling2D', 'mean');
export const globalMaxPooling2d = globalPool('GlobalMaxPooling2D', 'maximum');
