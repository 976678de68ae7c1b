/** Parameter schemas and shape arithmetic shared by the layer definitions. */
import { LayerShapeError, type Params, type Shape } from './types';

export const INITIALIZERS = [
  'glorot_uniform',
  'glorot_normal',
  'he_normal',
  'he_uniform',
  'lecun_normal',
  'lecun_uniform',
  'random_normal',
  'random_uniform',
  'truncated_normal',
  'zeros',
  'ones'
];

/** Activations a Conv2D/Dense layer can apply itself (the Activation layer adds leaky_relu). */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'swish',
  'silu',
  'gelu',
  'sigmoid',
  'hard_sigmoid',
  'tanh',
  'softmax',
  'softplus',
  'softsign'
];

type Prop = Record<string, unknown> & { description: string };

export const schema = {
  positiveInt: (description: string, extra: Record<string, unknown> = {}): Prop => ({
    type: 'integer',
    minimum: 1,
    description,
    ...extra
  }),
  /** An integer or an [h, w] pair of integers, each >= min. */
  pair: (description: string, dflt?: number | number[], min = 1): Prop => ({
    type: ['integer', 'array'],
    minimum: min,
    items: { type: 'integer', minimum: min },
    minItems: 2,
    maxItems: 2,
    description,
    ...(dflt === undefined ? {} : { default: dflt })
  }),
  padding: (): Prop => ({
    enum: ['valid', 'same'],
    default: 'valid',
    description:
      "'valid': no padding, the output shrinks by the kernel size - 1; 'same': zero padding so that the output is input / strides (rounded up)."
  }),
  activation: (dflt = 'linear'): Prop => ({
    enum: ACTIVATIONS,
    default: dflt,
    description: "Activation applied to the output ('linear': none; silu is swish)."
  }),
  useBias: (): Prop => ({
    type: 'boolean',
    default: true,
    description: 'Whether the layer adds a learned bias per output channel.'
  }),
  initializer: (what: string, dflt: string): Prop => ({
    enum: INITIALIZERS,
    default: dflt,
    description: `Initializer of the ${what} (seeded from the pipeline seed).`
  }),
  regularizer: (what: string): Prop => ({
    type: ['object', 'null'],
    properties: {
      l1: { type: 'number', minimum: 0, description: 'L1 factor (sum of absolute values).' },
      l2: { type: 'number', minimum: 0, description: 'L2 factor (sum of squares).' }
    },
    additionalProperties: false,
    default: null,
    description: `Penalty on the ${what} added to the training loss, e.g. {"l2": 1e-4}; null for none.`
  }),
  rate: (description: string): Prop => ({
    type: 'number',
    minimum: 0,
    exclusiveMaximum: 1,
    description
  })
};

/** [h, w] of an int-or-pair parameter. */
export function pairOf(v: unknown): [number, number] {
  return Array.isArray(v) ? [v[0] as number, v[1] as number] : [v as number, v as number];
}

export function fmtShape(s: Shape): string {
  return s.join('×');
}

export function fmtPair(v: unknown): string {
  const [a, b] = pairOf(v);
  return a === b ? String(a) : `${a}×${b}`;
}

/** Requires an image-like input [H, W, C]. */
export function image(inputs: Shape[], what = 'input'): [number, number, number] {
  const s = inputs[0];
  if (s.length !== 3) {
    throw new LayerShapeError(
      `needs an image ${what} (height × width × channels), got shape ${fmtShape(s)}`
    );
  }
  return s as [number, number, number];
}

/**
 * Output length of a sliding window along one axis (Keras' conv_output_length), with a readable
 * error when a 'valid' window does not fit.
 */
export function windowed(
  p: Params,
  input: [number, number, number],
  kernelKey: string,
  kernel: unknown,
  strides: unknown,
  dilation: unknown = 1
): [number, number] {
  const k = pairOf(kernel);
  const s = pairOf(strides);
  const d = pairOf(dilation);
  const eff = [0, 1].map(i => (k[i] - 1) * d[i] + 1);
  const out = [0, 1].map(i =>
    p.padding === 'same' ? Math.ceil(input[i] / s[i]) : Math.floor((input[i] - eff[i]) / s[i]) + 1
  );
  if (p.padding !== 'same' && (eff[0] > input[0] || eff[1] > input[1])) {
    const dil =
      d[0] > 1 || d[1] > 1
        ? ` with dilation_rate ${fmtPair(dilation)} (effective ${eff.join('×')})`
        : '';
    throw new LayerShapeError(
      `${kernelKey} ${fmtPair(kernel)}${dil} larger than input ${input[0]}×${input[1]}` +
        " (use padding 'same' or a smaller window)"
    );
  }
  return out as [number, number];
}

export function product(s: Shape): number {
  return s.reduce((a, b) => a * b, 1);
}

export const NO_PARAMS = () => ({ trainable: 0, nonTrainable: 0 });

/** strides > 1 together with dilation_rate > 1 is not supported (as in Keras). */
export function stridesXorDilation(p: Params): string[] {
  const s = pairOf(p.strides);
  const d = pairOf(p.dilation_rate ?? 1);
  return s.some(x => x > 1) && d.some(x => x > 1)
    ? ['strides > 1 cannot be combined with dilation_rate > 1']
    : [];
}
