/**
 * The layer catalog, family by family: the validator's inferred output shape equals the shape
 * of the compiled tfjs layer, and its parameter count equals both tfjs' count and the Keras
 * formula written out here.
 */
import { tf } from '../../backend';
import { compileTfjs } from '../compile-tfjs';
import { validateNetwork } from '../validate';
import { listLayers } from './registry';
import type { NetworkDocument } from '../../../../../schema/documents';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Input [8, 8, 4] (or `shape`) → the layer under test (fed `inputs` copies of the input). */
function single(
  type: string,
  params: Record<string, unknown>,
  shape = [8, 8, 4],
  inputs = 1
): NetworkDocument {
  const extra = Array.from({ length: inputs - 1 }, (_, i) => ({
    id: `in${i + 2}`,
    type: 'Input',
    params: { shape },
    inputs: []
  }));
  return {
    version: 1,
    name: 't',
    inputs: ['in', ...extra.map(l => l.id)],
    outputs: ['x'],
    layers: [
      { id: 'in', type: 'Input', params: { shape }, inputs: [] },
      ...extra,
      { id: 'x', type, params, inputs: ['in', ...extra.map(l => l.id)] }
    ]
  };
}

type Case = [string, Record<string, unknown>, number[], number, number[]?, number?];
// [type, params, expected output shape, Keras parameter count (formula), input shape, inputs]
const CASES: Record<string, Case[]> = {
  convolution: [
    ['Conv2D', { filters: 6, kernel_size: 3 }, [6, 6, 6], 3 * 3 * 4 * 6 + 6],
    [
      'Conv2D',
      { filters: 6, kernel_size: [3, 1], padding: 'same', strides: 2 },
      [4, 4, 6],
      3 * 4 * 6 + 6
    ],
    [
      'Conv2D',
      { filters: 2, kernel_size: 3, dilation_rate: 2, use_bias: false },
      [4, 4, 2],
      9 * 4 * 2
    ],
    [
      'SeparableConv2D',
      { filters: 5, kernel_size: 3, depth_multiplier: 2 },
      [6, 6, 5],
      9 * 4 * 2 + 8 * 5 + 5
    ],
    ['DepthwiseConv2D', { kernel_size: 3, padding: 'same' }, [8, 8, 4], 9 * 4 + 4],
    [
      'DepthwiseConv2D',
      { kernel_size: 3, strides: 2, depth_multiplier: 3 },
      [3, 3, 12],
      9 * 12 + 12
    ],
    [
      'Conv2DTranspose',
      { filters: 3, kernel_size: 3, strides: 2, padding: 'same' },
      [16, 16, 3],
      9 * 4 * 3 + 3
    ],
    ['Conv2DTranspose', { filters: 3, kernel_size: 3, strides: 2 }, [17, 17, 3], 9 * 4 * 3 + 3]
  ],
  pooling: [
    ['MaxPooling2D', {}, [4, 4, 4], 0],
    ['MaxPooling2D', { pool_size: 3, strides: 2 }, [3, 3, 4], 0],
    ['AveragePooling2D', { pool_size: 3, padding: 'same' }, [3, 3, 4], 0],
    ['GlobalAveragePooling2D', {}, [4], 0],
    ['GlobalMaxPooling2D', {}, [4], 0]
  ],
  normalization: [
    ['BatchNormalization', {}, [8, 8, 4], 4 * 4],
    ['BatchNormalization', { center: false }, [8, 8, 4], 3 * 4],
    ['LayerNormalization', {}, [8, 8, 4], 2 * 4],
    ['Dropout', { rate: 0.5 }, [8, 8, 4], 0],
    ['SpatialDropout2D', { rate: 0.2 }, [8, 8, 4], 0]
  ],
  core: [
    ['Dense', { units: 3 }, [8, 8, 3], 4 * 3 + 3],
    ['Dense', { units: 3, use_bias: false }, [3], 10 * 3, [10]],
    ['Flatten', {}, [256], 0],
    ['Reshape', { target_shape: [16, -1] }, [16, 16], 0],
    ['Activation', { activation: 'leaky_relu', alpha: 0.1 }, [8, 8, 4], 0],
    ['Activation', { activation: 'silu' }, [8, 8, 4], 0],
    ['Activation', { activation: 'softmax' }, [8, 8, 4], 0]
  ],
  reshaping: [
    ['ZeroPadding2D', {}, [10, 10, 4], 0],
    [
      'ZeroPadding2D',
      {
        padding: [
          [1, 0],
          [2, 3]
        ]
      },
      [9, 13, 4],
      0
    ],
    ['Cropping2D', { cropping: [1, 2] }, [6, 4, 4], 0],
    ['UpSampling2D', { size: [2, 3] }, [16, 24, 4], 0],
    ['UpSampling2D', { interpolation: 'bilinear' }, [16, 16, 4], 0]
  ],
  merge: [
    ['Add', {}, [8, 8, 4], 0, undefined, 2],
    ['Multiply', {}, [8, 8, 4], 0, undefined, 3],
    ['Average', {}, [8, 8, 4], 0, undefined, 2],
    ['Maximum', {}, [8, 8, 4], 0, undefined, 2],
    ['Concatenate', {}, [8, 8, 12], 0, undefined, 3],
    ['Concatenate', { axis: 1 }, [16, 8, 4], 0, undefined, 2]
  ]
};

describe.each(Object.keys(CASES))('%s layers', family => {
  // Rows padded to one length: jest passes a done callback to functions with more parameters.
  const rows = CASES[family].map(c => [c[0], c[1], c] as const);
  test.each(rows)('%s %j', (_t, _p, [type, params, shape, count, input, inputs]) => {
    const doc = single(type, params, input ?? [8, 8, 4], inputs ?? 1);
    const check = validateNetwork(doc);
    expect(check.issues).toEqual([]);
    const x = check.layers.find(l => l.node.id === 'x')!;
    expect(x.outputShape).toEqual(shape);
    expect(x.count.trainable + x.count.nonTrainable).toBe(count);
    const model = compileTfjs(doc, { seed: 1 });
    expect(model.getLayer('x').outputShape).toEqual([null, ...shape]);
    expect(model.countParams()).toBe(count);
    // A forward pass gives the inferred shape too.
    const ins = model.inputs.map(i => tf.ones([2, ...(i.shape.slice(1) as number[])]));
    const y = model.predict(ins.length === 1 ? ins[0] : ins) as tf.Tensor;
    expect(y.shape).toEqual([2, ...shape]);
    tf.dispose([...ins, y]);
    model.dispose();
  });
});

test('every catalog layer has a described schema and a test case', () => {
  const tested = new Set(Object.values(CASES).flatMap(c => c.map(([t]) => t)));
  for (const info of listLayers()) {
    if (info.type !== 'Input') expect(tested).toContain(info.type);
    for (const [key, prop] of Object.entries(info.params.properties)) {
      expect([info.type, key, typeof prop.description]).toEqual([info.type, key, 'string']);
    }
  }
  expect(listLayers().map(l => l.type)).toHaveLength(25);
});

test('regularizers add their penalty to the model losses', () => {
  const doc = single('Dense', { units: 2, kernel_regularizer: { l2: 0.5 } }, [3]);
  const model = compileTfjs(doc, { seed: 1 });
  const w = model.getLayer('x').getWeights()[0];
  const expected = 0.5 * tf.sum(tf.square(w)).dataSync()[0];
  const losses = model.calculateLosses();
  expect(losses).toHaveLength(1);
  expect(losses[0].dataSync()[0]).toBeCloseTo(expected, 5);
  model.dispose();
});

test('seeded dropout: a new mask per batch, the same masks for the same seed', () => {
  const doc = single('Dropout', { rate: 0.5 }, [64]);
  const masks = (seed: number) => {
    const model = compileTfjs(doc, { seed });
    const x = tf.ones([1, 64]);
    const out = [1, 2].map(() =>
      Array.from((model.apply(x, { training: true }) as tf.Tensor).dataSync())
    );
    const inference = Array.from((model.apply(x) as tf.Tensor).dataSync());
    model.dispose();
    return { out, inference };
  };
  const a = masks(7);
  expect(a.out[0]).not.toEqual(a.out[1]);
  expect(new Set(a.out[0])).toEqual(new Set([0, 2]));
  expect(a.inference).toEqual(Array(64).fill(1));
  expect(masks(7).out).toEqual(a.out);
  expect(masks(8).out[0]).not.toEqual(a.out[0]);
});

test('spatial dropout drops whole channels', () => {
  const model = compileTfjs(single('SpatialDropout2D', { rate: 0.5 }, [4, 4, 16]), { seed: 3 });
  const y = (model.apply(tf.ones([1, 4, 4, 16]), { training: true }) as tf.Tensor).arraySync();
  const channel = (c: number) => (y as number[][][][])[0].flat().map(px => px[c]);
  for (let c = 0; c < 16; c++) expect(new Set(channel(c)).size).toBe(1);
  model.dispose();
});
