import { tf } from '../tf';
import { randomArray, wasmVsCpu } from '../testing/compare';

type Pad = 'same' | 'valid';
interface Case {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number;
  pad: Pad;
}

// Multiplier 1 (the XNNPACK path for the input gradient at stride 1) and 2, both paddings.
const CASES: Case[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 1], strides: 1, pad: 'same' },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 1], strides: 1, pad: 'valid' },
  { x: [2, 8, 8, 4], f: [3, 3, 4, 1], strides: 2, pad: 'same' },
  { x: [1, 9, 9, 2], f: [3, 3, 2, 2], strides: 2, pad: 'valid' },
  { x: [3, 6, 5, 2], f: [5, 3, 2, 3], strides: 1, pad: 'same' }
];

const name = (c: Case) => `x ${c.x} filter ${c.f} strides ${c.strides} ${c.pad}`;

describe('wasm depthwise conv gradients match the cpu backend', () => {
  it.each(CASES.map(c => [name(c), c] as const))('%s', async (_, c) => {
    const xs = randomArray(tf.util.sizeFromShape(c.x), 71);
    const fs = randomArray(tf.util.sizeFromShape(c.f), 72);
    const outShape = tf.backend_util.computeConv2DInfo(
      c.x,
      c.f,
      c.strides,
      1,
      c.pad,
      undefined,
      true
    ).outShape;
    const ws = randomArray(tf.util.sizeFromShape(outShape), 73);
    const diff = await wasmVsCpu(() => {
      const w = tf.tensor(ws, outShape);
      return tf.grads((x: tf.Tensor, f: tf.Tensor) =>
        tf
          .depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad)
          .mul(w)
          .sum()
      )([tf.tensor(xs, c.x), tf.tensor(fs, c.f)]);
    });
    expect(diff).toBeLessThan(1e-5);
  });

  it('trains a separable-conv layer (tf.layers.separableConv2d)', async () => {
    const xs = randomArray(4 * 10 * 10 * 3, 74);
    const diff = await wasmVsCpu(() => {
      const layer = tf.layers.separableConv2d({
        filters: 5,
        kernelSize: 3,
        padding: 'same',
        depthMultiplier: 2,
        depthwiseInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        pointwiseInitializer: tf.initializers.glorotUniform({ seed: 2 })
      });
      const x = tf.tensor(xs, [4, 10, 10, 3]);
      layer.apply(x); // builds the weights
      const { grads } = tf.variableGrads(
        () => (layer.apply(x) as tf.Tensor).square().mean() as tf.Scalar
      );
      const out = Object.keys(grads)
        .sort()
        .map(k => grads[k]);
      layer.dispose();
      return out;
    });
    expect(diff).toBeLessThan(1e-5);
  });
});
