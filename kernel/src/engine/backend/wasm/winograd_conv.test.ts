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
  winogradTile,
  type WinogradActivation
} from './winograd_conv';

type Case = [n: number, h: number, w: number, ci: number, co: number, pad: 'same' | 'valid'];

/** The output size of a case before pooling. */
function outputSize([, h, w, , , pad]: Case): [number, number] {
  return pad === 'same' ? [h, w] : [h - 2, w - 2];
}

/**
 * Whether y is within the Winograd rounding of the direct sum `want`. The transforms add and
 * subtract inputs before the products, so rounding differs from the direct sum: F(2×2) within
 * 1e-5 of each output (relative to |y| + 1); F(4×4), whose transforms multiply by up to 8 and
 * divide by up to 24, within 1e-5 of the largest output (about 3-5e-6 measured with 16-64
 * input channels).
 */
function withinRounding(y: Float32Array, want: Float32Array, tile: 2 | 4): boolean {
  if (tile === 2) return maxRelDiff(y, want) < 1e-5;
  let worst = 0;
  let scale = 0;
  want.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(y[i] - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return worst <= 1e-5 * scale;
}

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

describe('Winograd convolution, F(2×2, 3×3) and F(4×4, 3×3) (MedflowWinogradConv2D on wasm)', () => {
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

  it('takes 4×4 output tiles where they need fewer products than 2×2 tiles', () => {
    expect(winogradTile(16, 16)).toBe(4);
    expect(winogradTile(7, 9)).toBe(4); // partial tiles at the edges still pay
    expect(winogradTile(4, 4)).toBe(4);
    expect(winogradTile(3, 3)).toBe(4); // one 4×4 tile (36 products) against four 2×2 (64)
    expect(winogradTile(6, 6)).toBe(2); // 4 · 36 = 144 = 9 · 16: no gain for the larger tiles
    expect(winogradTile(5, 5)).toBe(2);
    expect(winogradTile(2, 2)).toBe(2);
    expect(winogradTile(1, 1)).toBe(2);
  });

  it.each<[Case, WinogradActivation, 2 | 4]>([
    // Many tiles: blocks split between threads; co = 32 (whole eight-column groups).
    [[8, 16, 16, 16, 32, 'same'], 'relu', 4],
    [[16, 6, 6, 16, 32, 'same'], 'relu', 2],
    // Odd sizes: the last row and column of tiles are partly outside the output.
    [[3, 7, 8, 4, 12, 'valid'], 'linear', 2],
    [[2, 11, 13, 8, 12, 'same'], 'relu6', 4],
    [[3, 9, 10, 4, 8, 'valid'], 'linear', 4],
    [[2, 5, 6, 8, 4, 'same'], 'relu6', 2],
    // co ≡ 4 (mod 8): the product's four-column tail; tiles larger than the output.
    [[5, 3, 3, 12, 20, 'same'], 'relu', 4],
    [[3, 2, 2, 12, 20, 'same'], 'relu', 2],
    [[1, 4, 4, 4, 4, 'valid'], 'linear', 2],
    // 64 input channels: the F(4×4) rounding grows with the products' length.
    [[2, 8, 8, 64, 16, 'same'], 'linear', 4]
  ])('equals tf.fused.conv2d on the cpu backend: %j, %s (tile %i)', async (c, activation, tile) => {
    const want = await reference(c, activation, 10);
    const { y, shape } = await winograd(c, activation, 10);
    const [ho, wo] = outputSize(c);
    expect(winogradTile(ho, wo)).toBe(tile);
    expect(shape).toEqual([c[0], ho, wo, c[4]]);
    expect(withinRounding(y, want, tile)).toBe(true);
  });

  it.each<[Case, WinogradActivation]>([
    [[4, 8, 12, 8, 16, 'same'], 'relu'],
    [[4, 4, 6, 8, 16, 'same'], 'relu'],
    // Odd output sizes: 'valid' pooling drops the last row and column.
    [[3, 7, 9, 4, 12, 'same'], 'relu6'],
    [[3, 11, 13, 4, 12, 'same'], 'relu6'],
    [[2, 9, 8, 8, 8, 'valid'], 'linear'],
    [[2, 6, 6, 8, 8, 'same'], 'linear']
  ])(
    'with pool, equals 2×2 MaxPooling of the fused conv on the cpu backend: %j, %s',
    async (c, activation) => {
      const want = await reference(c, activation, 50, true);
      const { y, shape } = await winograd(c, activation, 50, true);
      const [ho, wo] = outputSize(c);
      expect(shape).toEqual([c[0], ho >> 1, wo >> 1, c[4]]);
      expect(withinRounding(y, want, winogradTile(ho, wo))).toBe(true);
    }
  );

  it.each<[Case, 2 | 4]>([
    [[16, 20, 20, 8, 16, 'same'], 4],
    [[64, 6, 6, 8, 16, 'same'], 2]
  ])(
    'gives the same bits on one thread as shared between threads: %j (tile %i)',
    async (c, tile) => {
      await helpersReady();
      expect(winogradTile(...outputSize(c))).toBe(tile);
      const { y: shared } = await winograd(c, 'relu', 20);
      const { y: alone } = await withoutKernelHelpers(() => winograd(c, 'relu', 20));
      expect(sameBits(shared, alone)).toBe(true);
    }
  );

  it.each<[number, number, 2 | 4]>([
    [6, 5, 2],
    [9, 10, 4]
  ])(
    'uses a filter turned by 180° with its channel axes swapped, when asked: %i×%i (tile %i)',
    async (h, w, tile) => {
      const [n, ci, co] = [2, 8, 12];
      expect(winogradTile(h, w)).toBe(tile);
      const x = randomArray(n * h * w * ci, 30);
      // A [3, 3, co, ci] filter, as a layer from co to ci channels holds it.
      const g = randomArray(9 * co * ci, 31);
      const bias = new Float32Array(co);
      const [want] = await runOn('cpu', () => {
        const turned = tf.transpose(
          tf.reverse(tf.tensor4d(g, [3, 3, co, ci]), [0, 1]),
          [0, 1, 3, 2]
        );
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
      expect(withinRounding(got, want, tile)).toBe(true);
    }
  );

  it("has tf.conv2d's gradients for training ('same', both inputs)", async () => {
    // 9×8: the forward pass and the input gradient by F(4×4), the filter's gradient by F(2×2).
    const [n, h, w, ci, co] = [4, 9, 8, 8, 12];
    expect(winogradTile(h, w)).toBe(4);
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
