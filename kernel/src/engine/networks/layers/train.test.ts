/**
 * Every trainable path through the catalog runs a training step on the engine's backend (wasm
 * here: its gradient kernels must all be registered), with gradients reaching the first layer.
 */
import { ensureBackend, tf } from '../../backend';
import { compileTfjs, untrainableLayers } from '../compile-tfjs';
import type { NetworkDocument } from '../../../../../schema/documents';

beforeAll(async () => {
  await ensureBackend();
});

const LAYERS: [string, Record<string, unknown>, number][] = [
  ['Conv2D', { filters: 3, kernel_size: 3, strides: 2, padding: 'same' }, 1],
  ['SeparableConv2D', { filters: 3, kernel_size: 3, depth_multiplier: 2 }, 1],
  ['DepthwiseConv2D', { kernel_size: 3, strides: 2, padding: 'same' }, 1],
  ['Conv2DTranspose', { filters: 3, kernel_size: 3, strides: 2, padding: 'same' }, 1],
  ['MaxPooling2D', { pool_size: 3, strides: 2 }, 1],
  ['AveragePooling2D', { pool_size: 2 }, 1],
  ['GlobalMaxPooling2D', {}, 1],
  ['GlobalAveragePooling2D', {}, 1],
  ['BatchNormalization', {}, 1],
  ['LayerNormalization', {}, 1],
  ['Dropout', { rate: 0.3 }, 1],
  ['SpatialDropout2D', { rate: 0.3 }, 1],
  ['Reshape', { target_shape: [-1, 4] }, 1],
  ['Activation', { activation: 'leaky_relu' }, 1],
  ['Activation', { activation: 'swish' }, 1],
  ['Activation', { activation: 'elu' }, 1],
  ['Activation', { activation: 'selu' }, 1],
  ['Activation', { activation: 'gelu' }, 1],
  ['ZeroPadding2D', { padding: 2 }, 1],
  ['Cropping2D', { cropping: 1 }, 1],
  ['UpSampling2D', {}, 1],
  ['UpSampling2D', { interpolation: 'bilinear' }, 1],
  ['Add', {}, 2],
  ['Multiply', {}, 2],
  ['Average', {}, 2],
  ['Maximum', {}, 2],
  ['Concatenate', {}, 2]
];

test.each(LAYERS)('%s %j trains', (type, params, inputs) => {
  // Input → Conv2D (so gradients must flow back through the layer under test) → layer → Dense.
  const feeds = Array.from({ length: inputs }, (_, i) => `c${i}`);
  const doc: NetworkDocument = {
    version: 1,
    name: 't',
    inputs: ['in'],
    outputs: ['out'],
    layers: [
      { id: 'in', type: 'Input', params: { shape: [8, 8, 2] }, inputs: [] },
      ...feeds.map(id => ({
        id,
        type: 'Conv2D',
        params: { filters: 4, kernel_size: 3, padding: 'same' },
        inputs: ['in']
      })),
      { id: 'x', type, params, inputs: feeds },
      { id: 'flat', type: 'Flatten', params: {}, inputs: ['x'] },
      { id: 'out', type: 'Dense', params: { units: 2 }, inputs: ['flat'] }
    ]
  };
  const model = compileTfjs(doc, { seed: 2 });
  const x = tf.randomNormal([3, 8, 8, 2], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d([0, 1, 1], 'int32'), 2);
  const first = model.getLayer('c0').getWeights()[0];
  const before = first.dataSync().slice();
  const optimizer = tf.train.sgd(0.1);
  optimizer.minimize(
    () =>
      tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar
  );
  const after = model.getLayer('c0').getWeights()[0].dataSync();
  expect(Array.from(after).some((v, i) => v !== before[i])).toBe(true);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
});

test('dilated convolutions cannot be trained with tfjs: a clear error names the layer', () => {
  // tfjs-core's conv2d gradient asserts dilation 1 on every backend (not a wasm limit).
  const doc: NetworkDocument = {
    version: 1,
    name: 't',
    inputs: ['in'],
    outputs: ['out'],
    layers: [
      { id: 'in', type: 'Input', params: { shape: [8, 8, 1] }, inputs: [] },
      {
        id: 'atrous',
        type: 'Conv2D',
        params: { filters: 2, kernel_size: 3, dilation_rate: 2 },
        inputs: ['in']
      },
      { id: 'gap', type: 'GlobalAveragePooling2D', params: {}, inputs: ['atrous'] },
      { id: 'out', type: 'Dense', params: { units: 2 }, inputs: ['gap'] }
    ]
  };
  expect(untrainableLayers(doc)).toEqual([
    'layer atrous (Conv2D): dilation_rate > 1 cannot be trained with tfjs (its convolution gradients support dilation 1 only); it works for inference'
  ]);
});
