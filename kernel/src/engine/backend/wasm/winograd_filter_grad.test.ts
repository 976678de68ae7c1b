import { tf } from '../tf';
import { ensureBackend } from '../select';
import { maxRelDiff, randomArray, runOn } from '../testing/compare';
import { withoutKernelHelpers } from './kernel-threads';
import { helpersReady, sameBits } from '../testing/helper-threads';

type Case = [n: number, h: number, w: number, ci: number, co: number];

/** Conv2DBackpropFilter of a 3×3, stride-1, 'same' convolution on `backend`. */
async function filterGradient(backend: 'cpu' | 'wasm', [n, h, w, ci, co]: Case, seed: number) {
  const x = randomArray(n * h * w * ci, seed);
  const dy = randomArray(n * h * w * co, seed + 1);
  const [dW] = await runOn(
    backend,
    () =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x: tf.tensor4d(x, [n, h, w, ci]), dy: tf.tensor4d(dy, [n, h, w, co]) },
          { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, filterShape: [3, 3, ci, co] }
        ) as tf.Tensor
  );
  return dW;
}

/** The same sum in float64: dW[r, s, c, o] = Σ x[p + (r − 1, s − 1), c] · dy[p, o]. */
function float64Gradient([n, h, w, ci, co]: Case, seed: number): Float64Array {
  const x = randomArray(n * h * w * ci, seed);
  const dy = randomArray(n * h * w * co, seed + 1);
  const dW = new Float64Array(9 * ci * co);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      for (let q = 0; q < w; q++) {
        const g = ((b * h + y) * w + q) * co;
        for (let r = 0; r < 3; r++) {
          const yy = y + r - 1;
          if (yy < 0 || yy >= h) continue;
          for (let s = 0; s < 3; s++) {
            const xx = q + s - 1;
            if (xx < 0 || xx >= w) continue;
            const at = ((b * h + yy) * w + xx) * ci;
            for (let c = 0; c < ci; c++) {
              const out = ((r * 3 + s) * ci + c) * co;
              for (let o = 0; o < co; o++) dW[out + o] += x[at + c] * dy[g + o];
            }
          }
        }
      }
    }
  }
  return dW;
}

describe('filter gradient of 3×3 same convolutions by Winograd (wasm)', () => {
  it.each<[Case]>([
    [[8, 16, 16, 16, 32]],
    // Odd sizes (half tiles at the edges); co ≡ 4 (mod 8): the product's four-column tail.
    [[3, 7, 9, 4, 12]],
    [[2, 5, 6, 8, 4]],
    // 6400 tiles: several blocks in each of the sixteen chunks.
    [[16, 40, 40, 4, 8]],
    // Wide filters: sixteen partials of 16 · 128 · 128 floats would pass the 1 M budget, so
    // one sum whose output channels the threads share (the last part of 100 a four-channel
    // tail).
    [[16, 8, 8, 128, 128]],
    [[16, 8, 8, 64, 100]]
  ])('is the float64 sum within float32 rounding: %j', async c => {
    const exact = float64Gradient(c, 60);
    const got = maxRelDiff(await filterGradient('wasm', c, 60), exact);
    // Measured: 1e-6 (small) to 2.6e-5 (25,600 positions) of |dW| + 1: float32 sums through
    // the transforms, which add inputs before the products and take differences after. (The
    // cpu backend sums in float64: 5e-8.) Training does not notice: see bench/train-compare.md.
    expect(got).toBeLessThan(5e-5);
  });

  it.each<[Case]>([
    // By chunks of tiles, and (wide filters) by output channels.
    [[16, 24, 24, 8, 16]],
    [[16, 8, 8, 128, 128]]
  ])('gives the same bits on one thread as shared between threads: %j', async c => {
    await ensureBackend('wasm');
    await helpersReady();
    const shared = await filterGradient('wasm', c, 70);
    const alone = await withoutKernelHelpers(() => filterGradient('wasm', c, 70));
    expect(sameBits(shared, alone)).toBe(true);
  });
});
