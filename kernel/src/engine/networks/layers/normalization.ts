/** Normalization and regularization layers: BatchNormalization, LayerNormalization, dropouts. */
import { image, NO_PARAMS, schema } from './common';
import { LayerShapeError, type LayerDefinition, type Params, type Shape } from './types';

const axis = {
  type: 'integer',
  default: -1,
  description: 'Axis normalized over (-1: channels, the last axis).'
};
const epsilon = {
  type: 'number',
  exclusiveMinimum: 0,
  default: 1e-3,
  description: 'Small number added to the variance to avoid dividing by zero.'
};
const center = {
  type: 'boolean',
  default: true,
  description: 'Learn an offset (beta) per channel.'
};
const scale = {
  type: 'boolean',
  default: true,
  description: 'Learn a scale (gamma) per channel.'
};

function axisSize(p: Params, s: Shape): number {
  const a = p.axis as number;
  const i = a < 0 ? s.length + a : a - 1; // axis counts the batch dimension as 0, as in Keras
  if (i < 0 || i >= s.length) {
    throw new LayerShapeError(`axis ${a} does not exist for input shape ${s.join('×')}`);
  }
  return s[i];
}

export const batchNormalization: LayerDefinition = {
  type: 'BatchNormalization',
  category: 'Normalization',
  description:
    'Normalizes each channel with the batch statistics while training and moving averages at inference.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: {
      axis,
      momentum: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 0.99,
        description: 'Momentum of the moving mean and variance used at inference.'
      },
      epsilon,
      center,
      scale
    },
    additionalProperties: false
  },
  outputShape: (p, inputs) => (axisSize(p, inputs[0]), inputs[0]),
  paramCount(p, inputs) {
    const c = axisSize(p, inputs[0]);
    return { trainable: c * (Number(p.center) + Number(p.scale)), nonTrainable: 2 * c };
  }
};

export const layerNormalization: LayerDefinition = {
  type: 'LayerNormalization',
  category: 'Normalization',
  description: 'Normalizes each sample over the given axis (no batch statistics).',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: { axis, epsilon, center, scale },
    additionalProperties: false
  },
  outputShape: (p, inputs) => (axisSize(p, inputs[0]), inputs[0]),
  paramCount(p, inputs) {
    const c = axisSize(p, inputs[0]);
    return { trainable: c * (Number(p.center) + Number(p.scale)), nonTrainable: 0 };
  }
};

export const dropout: LayerDefinition = {
  type: 'Dropout',
  category: 'Regularization',
  description:
    'While training, zeroes a random fraction of the values (a new seeded mask per batch) and rescales the rest.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: { rate: schema.rate('Fraction of the values set to zero while training.') },
    required: ['rate'],
    additionalProperties: false
  },
  outputShape: (_p, inputs) => inputs[0],
  paramCount: NO_PARAMS
};

export const spatialDropout2d: LayerDefinition = {
  type: 'SpatialDropout2D',
  category: 'Regularization',
  description:
    'While training, zeroes whole channels (feature maps) at random, a new seeded choice per batch.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: { rate: schema.rate('Fraction of the channels set to zero while training.') },
    required: ['rate'],
    additionalProperties: false
  },
  outputShape: (_p, inputs) => (image(inputs), inputs[0]),
  paramCount: NO_PARAMS
};
