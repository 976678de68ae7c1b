import { tf } from '../tf';
import { ensureBackend } from '../select';
import { randomArray, runOn, wasmVsCpu } from '../testing/compare';
import { withoutKernelHelpers } from './kernel-threads';
import { helpersReady, sameBits } from '../testing/helper-threads';

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
  { x: [3, 6, 5, 2], f: [5, 3, 2, 3], strides: 1, pad: 'same' },
  // Multiplier 1 with channels in fours: the filter gradient in the SIMD kernels, channels
  // shared between threads (MobileNetV2's layers).
  { x: [4, 14, 14, 32], f: [3, 3, 32, 1], strides: 1, pad: 'same' },
  { x: [4, 15, 13, 24], f: [3, 3, 24, 1], strides: 2, pad: 'same' },
  { x: [2, 9, 11, 12], f: [5, 3, 12, 1], strides: 2, pad: 'valid' }
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

  it('gives the same filter gradient bits on one thread as shared between threads', async () => {
    await ensureBackend('wasm');
    await helpersReady();
    const [n, h, w, c] = [8, 16, 16, 64];
    const x = randomArray(n * h * w * c, 75);
    const dy = randomArray(n * h * w * c, 76);
    const gradient = async () => {
      const [dW] = await runOn(
        'wasm',
        () =>
          tf
            .engine()
            .runKernel(
              'DepthwiseConv2dNativeBackpropFilter',
              { x: tf.tensor4d(x, [n, h, w, c]), dy: tf.tensor4d(dy, [n, h, w, c]) },
              { strides: 1, pad: 'same', dilations: 1, filterShape: [3, 3, c, 1] }
            ) as tf.Tensor
      );
      return dW;
    };
    const shared = await gradient();
    const alone = await withoutKernelHelpers(gradient);
    expect(sameBits(shared, alone)).toBe(true);
  });
});
