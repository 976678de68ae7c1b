/** Convolution layers: Conv2D, SeparableConv2D, DepthwiseConv2D, Conv2DTranspose. */
import { image, pairOf, schema, stridesXorDilation, windowed, fmtPair } from './common';
import { LayerShapeError, type LayerDefinition } from './types';

const kernelSize = () =>
  schema.pair('Height and width of the convolution window (one number for a square window).');
const strides = () => schema.pair('Step of the window along height and width; > 1 downsamples.', 1);
const dilation = () =>
  schema.pair('Spacing between kernel taps (atrous convolution); 1 = ordinary convolution.', 1);
const depthMultiplier = () =>
  schema.positiveInt('Output channels per input channel of the depthwise step.', { default: 1 });

/** Windowed height and width, `filters` channels (Conv2D and SeparableConv2D). */
const filtersOutputShape: LayerDefinition['outputShape'] = (p, inputs) => [
  ...windowed(p, image(inputs), 'kernel_size', p.kernel_size, p.strides, p.dilation_rate),
  p.filters as number
];

export const conv2d: LayerDefinition = {
  type: 'Conv2D',
  category: 'Convolution',
  description: '2D convolution: filters learned kernels slid over height and width.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: {
      filters: schema.positiveInt('Number of output channels (learned kernels).'),
      kernel_size: kernelSize(),
      strides: strides(),
      padding: schema.padding(),
      dilation_rate: dilation(),
      activation: schema.activation(),
      use_bias: schema.useBias(),
      kernel_initializer: schema.initializer('kernel', 'glorot_uniform'),
      bias_initializer: schema.initializer('bias', 'zeros'),
      kernel_regularizer: schema.regularizer('kernel'),
      bias_regularizer: schema.regularizer('bias')
    },
    required: ['filters', 'kernel_size'],
    additionalProperties: false
  },
  check: stridesXorDilation,
  outputShape: filtersOutputShape,
  paramCount(p, inputs) {
    const [kh, kw] = pairOf(p.kernel_size);
    const f = p.filters as number;
    return { trainable: kh * kw * inputs[0][2] * f + (p.use_bias ? f : 0), nonTrainable: 0 };
  }
};

export const separableConv2d: LayerDefinition = {
  type: 'SeparableConv2D',
  category: 'Convolution',
  description:
    'Depthwise-separable convolution: a per-channel spatial convolution, then a 1×1 convolution mixing channels.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: {
      filters: schema.positiveInt('Number of output channels of the pointwise (1×1) step.'),
      kernel_size: kernelSize(),
      strides: strides(),
      padding: schema.padding(),
      dilation_rate: dilation(),
      depth_multiplier: depthMultiplier(),
      activation: schema.activation(),
      use_bias: schema.useBias(),
      depthwise_initializer: schema.initializer('depthwise kernel', 'glorot_uniform'),
      pointwise_initializer: schema.initializer('pointwise kernel', 'glorot_uniform'),
      bias_initializer: schema.initializer('bias', 'zeros'),
      depthwise_regularizer: schema.regularizer('depthwise kernel'),
      pointwise_regularizer: schema.regularizer('pointwise kernel'),
      bias_regularizer: schema.regularizer('bias')
    },
    required: ['filters', 'kernel_size'],
    additionalProperties: false
  },
  check: stridesXorDilation,
  outputShape: filtersOutputShape,
  paramCount(p, inputs) {
    const [kh, kw] = pairOf(p.kernel_size);
    const c = inputs[0][2];
    const m = p.depth_multiplier as number;
    const f = p.filters as number;
    return { trainable: kh * kw * c * m + c * m * f + (p.use_bias ? f : 0), nonTrainable: 0 };
  }
};

export const depthwiseConv2d: LayerDefinition = {
  type: 'DepthwiseConv2D',
  category: 'Convolution',
  description:
    'Depthwise convolution: each input channel convolved with its own kernel(s); channels are not mixed.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: {
      kernel_size: kernelSize(),
      strides: strides(),
      padding: schema.padding(),
      dilation_rate: dilation(),
      depth_multiplier: depthMultiplier(),
      activation: schema.activation(),
      use_bias: schema.useBias(),
      depthwise_initializer: schema.initializer('depthwise kernel', 'glorot_uniform'),
      bias_initializer: schema.initializer('bias', 'zeros'),
      depthwise_regularizer: schema.regularizer('depthwise kernel'),
      bias_regularizer: schema.regularizer('bias')
    },
    required: ['kernel_size'],
    additionalProperties: false
  },
  check: stridesXorDilation,
  outputShape(p, inputs) {
    const s = image(inputs);
    const m = p.depth_multiplier as number;
    return [...windowed(p, s, 'kernel_size', p.kernel_size, p.strides, p.dilation_rate), s[2] * m];
  },
  paramCount(p, inputs, out) {
    const [kh, kw] = pairOf(p.kernel_size);
    const cm = out[2];
    return { trainable: kh * kw * cm + (p.use_bias ? cm : 0), nonTrainable: 0 };
  }
};

export const conv2dTranspose: LayerDefinition = {
  type: 'Conv2DTranspose',
  category: 'Convolution',
  description:
    'Transposed convolution ("deconvolution"): learned upsampling, e.g. in decoders; output = input × strides.',
  inputs: { min: 1, max: 1 },
  params: {
    type: 'object',
    properties: {
      filters: schema.positiveInt('Number of output channels.'),
      kernel_size: kernelSize(),
      strides: schema.pair('Upsampling factor along height and width.', 1),
      padding: schema.padding(),
      activation: schema.activation(),
      use_bias: schema.useBias(),
      kernel_initializer: schema.initializer('kernel', 'glorot_uniform'),
      bias_initializer: schema.initializer('bias', 'zeros'),
      kernel_regularizer: schema.regularizer('kernel'),
      bias_regularizer: schema.regularizer('bias')
    },
    required: ['filters', 'kernel_size'],
    additionalProperties: false
  },
  outputShape(p, inputs) {
    const [h, w] = image(inputs);
    const k = pairOf(p.kernel_size);
    const s = pairOf(p.strides);
    const len = (n: number, i: number) =>
      p.padding === 'same' ? n * s[i] : n * s[i] + Math.max(k[i] - s[i], 0);
    if (p.padding === 'same' && (k[0] < s[0] || k[1] < s[1])) {
      throw new LayerShapeError(
        `kernel_size ${fmtPair(p.kernel_size)} smaller than strides ${fmtPair(p.strides)} leaves gaps`
      );
    }
    return [len(h, 0), len(w, 1), p.filters as number];
  },
  paramCount(p, inputs) {
    const [kh, kw] = pairOf(p.kernel_size);
    const f = p.filters as number;
    return { trainable: kh * kw * inputs[0][2] * f + (p.use_bias ? f : 0), nonTrainable: 0 };
  }
};
