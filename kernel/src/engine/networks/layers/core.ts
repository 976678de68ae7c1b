/** Core layers: Input, Dense, Flatten, Reshape, Activation. */
import { ACTIVATIONS, fmtShape, NO_PARAMS, product, schema } from './common';
import { LayerShapeError, type LayerDefinition } from './types';

export const input: LayerDefinition = {
  type: 'Input',
  category: 'Input',
  description: "The network's input: one image [height, width, channels].",
  inputs: { min: 0, max: 0 },
  params: {
    type: 'object',
    properties: {
      shape: {
        type: ['array', 'null'],
        items: { type: 'integer', minimum: 1 },
        minItems: 1,
        default: null,
        description:
          "Shape of one sample without the batch, e.g. [28, 28, 1]; null = taken from the pipeline's processed images when training."
      }
    },
    additionalProperties: false
  },
  // The validator substitutes the data's shape for a null shape before calling this.
  outputShape: p => p.shape as number[],
  paramCount: NO_PARAMS
};

export const dense: LayerDefinition = {
  type: 'Dense',
  category: 'Core',
  description:
    'Fully connected layer on the last axis: units outputs, each a weighted sum of all inputs.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: {
      units: schema.positiveInt('Number of outputs (for the last layer: the number of classes).'),
      activation: schema.activation(),
      use_bias: schema.useBias(),
      kernel_initializer: schema.initializer('kernel', 'glorot_uniform'),
      bias_initializer: schema.initializer('bias', 'zeros'),
      kernel_regularizer: schema.regularizer('kernel'),
      bias_regularizer: schema.regularizer('bias')
    },
    required: ['units'],
    additionalProperties: false
  },
  outputShape: (p, inputs) => [...inputs[0].slice(0, -1), p.units as number],
  paramCount(p, inputs) {
    const u = p.units as number;
    return {
      trainable: inputs[0][inputs[0].length - 1] * u + (p.use_bias ? u : 0),
      nonTrainable: 0
    };
  }
};

export const flatten: LayerDefinition = {
  type: 'Flatten',
  category: 'Reshaping',
  description: 'Flattens each sample into one feature vector.',
  inputs: { min: 1, max: 1 },
  params: { type: 'object', properties: {}, additionalProperties: false },
  outputShape: (_p, inputs) => [product(inputs[0])],
  paramCount: NO_PARAMS
};

export const reshape: LayerDefinition = {
  type: 'Reshape',
  category: 'Reshaping',
  description: 'Gives each sample a new shape with the same number of values.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: {
      target_shape: {
        type: 'array',
        items: { type: 'integer', minimum: -1, not: { const: 0 } },
        minItems: 1,
        description: 'New shape without the batch; one entry may be -1 (inferred).'
      }
    },
    required: ['target_shape'],
    additionalProperties: false
  },
  check(p) {
    const t = p.target_shape as number[];
    return t.filter(d => d === -1).length > 1 ? ['target_shape may contain -1 only once'] : [];
  },
  outputShape(p, inputs) {
    const t = (p.target_shape as number[]).slice();
    const n = product(inputs[0]);
    const known = product(t.filter(d => d !== -1));
    const free = t.indexOf(-1);
    if (free >= 0 && n % known === 0) t[free] = n / known;
    if (product(t) !== n) {
      throw new LayerShapeError(
        `target_shape ${fmtShape(p.target_shape as number[])} does not hold the ${n} values of input ${fmtShape(inputs[0])}`
      );
    }
    return t;
  },
  paramCount: NO_PARAMS
};

export const activation: LayerDefinition = {
  type: 'Activation',
  category: 'Core',
  description: 'Applies an activation function to every value.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: {
      activation: {
        enum: [...ACTIVATIONS, 'leaky_relu'],
        description:
          'The function: relu, elu, selu, leaky_relu, swish (= silu), sigmoid, tanh, softmax, ...'
      },
      alpha: {
        type: 'number',
        minimum: 0,
        default: 0.3,
        description: 'Slope for negative inputs of leaky_relu (ignored by the other functions).'
      }
    },
    required: ['activation'],
    additionalProperties: false
  },
  outputShape: (_p, inputs) => inputs[0],
  paramCount: NO_PARAMS
};
