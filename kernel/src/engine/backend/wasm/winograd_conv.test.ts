import { tf } from '../tf';
import { ensureBackend } from '../select';
import { maxRelDiff, randomArray, runOn } from '../testing/compare';
import { withoutKernelHelpers } from './kernel-threads';
import { helpersReady, sameBits } from '../testing/helper-threads';
import {
  winogradAvailable,
  winogradConv2d,
  winogradConv2dSame,
  winogradFits,
  type WinogradActivation
} from './winograd_conv';

type Case = [n: number, h: number, w: number, ci: number, co: number, pad: 'same' | 'valid'];

/** Inputs of one convolution as plain arrays (tensors belong to one backend). */
function arrays([n, h, w, ci, co]: Case, seed: number) {
  return {
    x: randomArray(n * h * w * ci, seed),
    filter: randomArray(9 * ci * co, seed + 1).map(v => v * 0.5),
    bias: randomArray(co, seed + 2)
  };
}

/**
 * activation(conv(x, filter) + bias), then with `pool` a 2×2 MaxPooling, by tfjs's ops on the
 * plain-JS cpu backend.
 */
async function reference(c: Case, activation: WinogradActivation, seed: number, pool = false) {
  const [n, h, w, ci, co, pad] = c;
  const { x, filter, bias } = arrays(c, seed);
  const [y] = await runOn('cpu', () => {
    const conv = tf.fused.conv2d({
      x: tf.tensor4d(x, [n, h, w, ci]),
      filter: tf.tensor4d(filter, [3, 3, ci, co]),
      strides: 1,
      pad,
      bias: tf.tensor1d(bias),
      activation
    });
    return pool ? tf.maxPool(conv, 2, 2, 'valid') : conv;
  });
  return y;
}

/** The same by MedflowWinogradConv2D on wasm, with its shape. */
async function winograd(c: Case, activation: WinogradActivation, seed: number, pool = false) {
  const [n, h, w, ci, co, pad] = c;
  const { x, filter, bias } = arrays(c, seed);
  let shape: number[] = [];
  const [y] = await runOn('wasm', () => {
    const out = winogradConv2d(
      tf.tensor4d(x, [n, h, w, ci]),
      tf.tensor4d(filter, [3, 3, ci, co]),
      tf.tensor1d(bias),
      pad,
      activation,
      { pool }
    );
    shape = out.shape;
    return out;
  });
  return { y, shape };
}

describe('Winograd F(2×2, 3×3) convolution (MedflowWinogradConv2D on wasm)', () => {
  beforeAll(async () => {
    await ensureBackend('wasm');
  });

  it('runs on wasm with the tensor kernels, unless MEDFLOW_NO_WINOGRAD=1', () => {
    expect(winogradAvailable()).toBe(true);
    process.env.MEDFLOW_NO_WINOGRAD = '1';
    try {
      expect(winogradAvailable()).toBe(false);
    } finally {
      delete process.env.MEDFLOW_NO_WINOGRAD;
    }
  });

  it.each<[Case, WinogradActivation]>([
    // Many tiles: blocks of 32 split between threads; co = 32 (whole eight-column groups).
    [[8, 16, 16, 16, 32, 'same'], 'relu'],
    // Odd sizes: the last row and column of tiles are half outside the output.
    [[3, 7, 9, 4, 12, 'valid'], 'linear'],
    [[2, 5, 6, 8, 4, 'same'], 'relu6'],
    // co ≡ 4 (mod 8): the product's four-column tail; 1×1 output tiles at the edge.
    [[5, 3, 3, 12, 20, 'same'], 'relu'],
    [[1, 4, 4, 4, 4, 'valid'], 'linear']
  ])('equals tf.fused.conv2d on the cpu backend: %j, %s', async (c, activation) => {
    const want = await reference(c, activation, 10);
    const { y, shape } = await winograd(c, activation, 10);
    const [n, h, w, , co, pad] = c;
    const out = pad === 'same' ? [h, w] : [h - 2, w - 2];
    expect(shape).toEqual([n, ...out, co]);
    // The transforms add inputs before multiplying: rounding differs from the direct sum.
    expect(maxRelDiff(y, want)).toBeLessThan(1e-5);
  });

  it.each<[Case, WinogradActivation]>([
    [[4, 8, 12, 8, 16, 'same'], 'relu'],
    // Odd output sizes: 'valid' pooling drops the last row and column.
    [[3, 7, 9, 4, 12, 'same'], 'relu6'],
    [[2, 9, 8, 8, 8, 'valid'], 'linear']
  ])(
    'with pool, equals 2×2 MaxPooling of the fused conv on the cpu backend: %j, %s',
    async (c, activation) => {
      const want = await reference(c, activation, 50, true);
      const { y, shape } = await winograd(c, activation, 50, true);
      const [n, h, w, , co, pad] = c;
      const [ho, wo] = pad === 'same' ? [h, w] : [h - 2, w - 2];
      expect(shape).toEqual([n, ho >> 1, wo >> 1, co]);
      expect(maxRelDiff(y, want)).toBeLessThan(1e-5);
    }
  );

  it('gives the same bits on one thread as shared between threads', async () => {
    await helpersReady();
    const c: Case = [16, 20, 20, 8, 16, 'same'];
    const { y: shared } = await winograd(c, 'relu', 20);
    const { y: alone } = await withoutKernelHelpers(() => winograd(c, 'relu', 20));
    expect(sameBits(shared, alone)).toBe(true);
  });

  it('uses a filter turned by 180° with its channel axes swapped, when asked', async () => {
    const [n, h, w, ci, co] = [2, 6, 5, 8, 12];
    const x = randomArray(n * h * w * ci, 30);
    // A [3, 3, co, ci] filter, as a layer from co to ci channels holds it.
    const g = randomArray(9 * co * ci, 31);
    const bias = new Float32Array(co);
    const [want] = await runOn('cpu', () => {
      const turned = tf.transpose(tf.reverse(tf.tensor4d(g, [3, 3, co, ci]), [0, 1]), [0, 1, 3, 2]);
      return tf.conv2d(tf.tensor4d(x, [n, h, w, ci]), turned as tf.Tensor4D, 1, 'same');
    });
    const [got] = await runOn('wasm', () =>
      winogradConv2d(
        tf.tensor4d(x, [n, h, w, ci]),
        tf.tensor4d(g, [3, 3, co, ci]),
        tf.tensor1d(bias),
        'same',
        'linear',
        { turned: true }
      )
    );
    expect(maxRelDiff(got, want)).toBeLessThan(1e-5);
  });

  it("has tf.conv2d's gradients for training ('same', both inputs)", async () => {
    const [n, h, w, ci, co] = [4, 9, 8, 8, 12];
    const { x, filter } = arrays([n, h, w, ci, co, 'same'], 40);
    const dy = randomArray(n * h * w * co, 43);
    // d/dx and d/dw of Σ dy · conv(x, w).
    const grads = (conv: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D) => () => {
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), tf.tensor4d(dy, [n, h, w, co])));
      const [gx, gw] = tf.grads(f)([
        tf.tensor4d(x, [n, h, w, ci]),
        tf.tensor4d(filter, [3, 3, ci, co])
      ]);
      return [f(tf.tensor4d(x, [n, h, w, ci]), tf.tensor4d(filter, [3, 3, ci, co])), gx, gw];
    };
    const want = await runOn(
      'cpu',
      grads((a, b) => tf.conv2d(a, b, 1, 'same'))
    );
    const got = await runOn('wasm', grads(winogradConv2dSame));
    want.forEach((values, i) => expect(maxRelDiff(got[i], values)).toBeLessThan(1e-5));
  });

  it('takes 3×3, stride-1, undilated convolutions with channels in fours only', () => {
    expect(winogradFits([3, 3, 16, 32], [1, 1], [1, 1])).toBe(true);
    expect(winogradFits([3, 3, 16, 32], 1, 1)).toBe(true);
    expect(winogradFits([3, 3, 1, 16], [1, 1], [1, 1])).toBe(false); // a first layer
    expect(winogradFits([3, 3, 16, 30], [1, 1], [1, 1])).toBe(false);
    expect(winogradFits([5, 5, 16, 32], [1, 1], [1, 1])).toBe(false);
    expect(winogradFits([3, 3, 16, 32], [2, 2], [1, 1])).toBe(false);
    expect(winogradFits([3, 3, 16, 32], [1, 1], [2, 2])).toBe(false);
  });

  it('refuses a filter that does not fit the input, naming both shapes', async () => {
    await ensureBackend('wasm');
    const x = tf.zeros([1, 4, 4, 8]) as tf.Tensor4D;
    const bias = tf.zeros([8]) as tf.Tensor1D;
    const f = tf.zeros([3, 3, 4, 8]) as tf.Tensor4D;
    expect(() => winogradConv2d(x, f, bias, 'same', 'relu')).toThrow(
      /MedflowWinogradConv2D: filter \[3,3,4,8\] does not fit input \[1,4,4,8\]/
    );
    const wide = tf.zeros([5, 5, 8, 8]) as tf.Tensor4D;
    expect(() => winogradConv2d(x, wide, bias, 'same', 'relu')).toThrow(/expected 3×3/);
    tf.dispose([x, bias, f, wide]);
  });
});
