import { documentValidator } from '../util/ajv';
import { tf } from '../backend';
import { smallCnn } from './small_cnn';
import { builtin } from './index';
import { compileTfjs } from './compile-tfjs';
import type { NetworkDocument } from '../../../../schema/documents';

beforeAll(async () => {
  // Compilation is backend independent; the plain-JS backend keeps this test light.
  await tf.setBackend('cpu');
});

test('small_cnn is a valid network document shaped by its options', () => {
  const doc = builtin('small_cnn', { classes: 2 });
  expect(documentValidator('network')(doc)).toBe(true);
  expect(doc.layers.map(l => l.type)).toEqual([
    'Input',
    ...Array(3).fill(['Conv2D', 'BatchNormalization', 'Activation', 'MaxPooling2D']).flat(),
    'GlobalAveragePooling2D',
    'Dense'
  ]);
  expect(doc.layers[0].params).toEqual({ shape: null });
  const other = smallCnn({
    classes: 5,
    inputShape: [64, 64, 3],
    blocks: 2,
    filters: 4,
    head: 'flatten',
    dropout: 0.3
  });
  expect(other.layers.filter(l => l.type === 'Conv2D').map(l => l.params.filters)).toEqual([4, 8]);
  expect(other.layers.slice(-3).map(l => l.type)).toEqual(['Flatten', 'Dropout', 'Dense']);
  expect(other.layers.at(-1)!.params.units).toBe(5);
  expect(() => smallCnn({ classes: 1 })).toThrow(
    'small_cnn: classes must be an integer >= 2 (got 1)'
  );
});

test('compiles to a tfjs model with the expected shapes and parameter count', () => {
  const model = compileTfjs(smallCnn({ classes: 3 }), { seed: 1, inputShape: [32, 32, 1] });
  expect(model.inputs[0].shape).toEqual([null, 32, 32, 1]);
  expect(model.outputs[0].shape).toEqual([null, 3]);
  expect(model.getLayer('pool3').outputShape).toEqual([null, 4, 4, 64]);
  // conv (no bias) 9·(1·16 + 16·32 + 32·64) + BN 4·(16+32+64) + dense 64·3+3
  expect(model.countParams()).toBe(9 * (16 + 16 * 32 + 32 * 64) + 4 * (16 + 32 + 64) + 64 * 3 + 3);
  model.dispose();
});

test('the same seed gives the same initial weights, another seed different ones', () => {
  const doc = smallCnn({ classes: 2, inputShape: [16, 16, 1] });
  const weights = (seed: number) => {
    const m = compileTfjs(doc, { seed });
    const w = m.getLayer('conv2').getWeights()[0].dataSync().slice();
    m.dispose();
    return Array.from(w);
  };
  expect(weights(3)).toEqual(weights(3));
  expect(weights(3)).not.toEqual(weights(4));
});

test('branches (residual Add) compile', () => {
  const doc: NetworkDocument = {
    version: 1,
    name: 'res',
    inputs: ['in'],
    outputs: ['out'],
    layers: [
      { id: 'in', type: 'Input', params: { shape: [8, 8, 4] }, inputs: [] },
      {
        id: 'c',
        type: 'Conv2D',
        params: { filters: 4, kernel_size: 3, padding: 'same' },
        inputs: ['in']
      },
      { id: 'sum', type: 'Add', params: {}, inputs: ['in', 'c'] },
      { id: 'g', type: 'GlobalAveragePooling2D', params: {}, inputs: ['sum'] },
      { id: 'out', type: 'Dense', params: { units: 2 }, inputs: ['g'] }
    ]
  };
  const model = compileTfjs(doc, { seed: 0 });
  expect(model.outputs[0].shape).toEqual([null, 2]);
  model.dispose();
});

test('mistakes are reported with the layer that has them, all at once', () => {
  const base = smallCnn({ classes: 2, inputShape: [28, 28, 1] });
  const edit = (f: (d: NetworkDocument) => void) => {
    const d = structuredClone(base);
    f(d);
    return () => compileTfjs(d, { seed: 0 });
  };
  expect(edit(d => (d.layers[1].params.filters = 0))).toThrow(
    'layer conv1 (Conv2D): filters must be >= 1 (got 0)'
  );
  expect(edit(d => (d.layers[1].params.kernel_sise = 3))).toThrow(
    "layer conv1 (Conv2D): unknown parameter 'kernel_sise' (known: filters, kernel_size,"
  );
  expect(edit(d => (d.layers[3].params.activation = 'relu7'))).toThrow(
    'layer relu1 (Activation): activation must be one of "linear", "relu"'
  );
  expect(edit(d => (d.layers[2].type = 'LayerNorm'))).toThrow(
    'layer bn1 (LayerNorm): unsupported layer type'
  );
  expect(edit(d => (d.layers[5].inputs = ['nowhere']))).toThrow(
    "layer conv2: input 'nowhere' is not a layer of the network"
  );
  expect(edit(d => (d.layers[1].inputs = ['pool1']))).toThrow(
    'layer conv1: is part of a cycle (conv1 → bn1 → relu1 → pool1 → conv1)'
  );
  expect(() => compileTfjs(smallCnn({ classes: 2 }), { seed: 0 })).toThrow(
    'layer input (Input): shape is null: give the network an input shape'
  );
  expect(edit(d => (d.layers[0].params.shape = [28, 0]))).toThrow(
    'layer input (Input): shape.1 must be >= 1 (got 0)'
  );
  expect(edit(d => ((d as unknown as Record<string, unknown>).version = 2))).toThrow(
    /network small_cnn: version must be equal to constant/
  );
  // Two independent mistakes: both reported, each with its layer.
  let message = '';
  try {
    edit(d => {
      d.layers[1].params.filters = 0;
      d.layers[5].params.kernel_size = [3];
    })();
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message.split('\n')).toEqual([
    'layer conv1 (Conv2D): filters must be >= 1 (got 0)',
    'layer conv2 (Conv2D): kernel_size must NOT have fewer than 2 items (got [3])'
  ]);
  // Too many poolings for a tiny input.
  expect(() =>
    compileTfjs(smallCnn({ classes: 2, blocks: 5 }), { seed: 0, inputShape: [8, 8, 1] })
  ).toThrow(
    "layer pool4 (MaxPooling2D): pool_size 2 larger than input 1×1 (use padding 'same' or a smaller window)"
  );
});
