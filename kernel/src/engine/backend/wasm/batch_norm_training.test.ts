import { tf } from '../tf';
import { maxRelDiff, randomArray, runOn } from '../testing/compare';
import { BATCH_NORM_DX, CHANNEL_MOMENTS, CHANNEL_SUMS } from './batch_norm_training';
import { withoutTensorKernels } from './tensor-kernels';
import { withoutKernelHelpers } from './kernel-threads';
import { helpersReady, sameBits } from '../testing/helper-threads';

/** Per-channel mean, biased variance, Σdy and Σdy·(x − mean), in float64. */
function reference(x: Float32Array, dy: Float32Array, c: number) {
  const positions = x.length / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  const sumDy = new Float64Array(c);
  const sumDyXc = new Float64Array(c);
  for (let i = 0; i < x.length; i++) mean[i % c] += x[i] / positions;
  for (let i = 0; i < x.length; i++) {
    const ch = i % c;
    variance[ch] += (x[i] - mean[ch]) ** 2 / positions;
    sumDy[ch] += dy[i];
    sumDyXc[ch] += dy[i] * (x[i] - mean[ch]);
  }
  return { mean, variance, sumDy, sumDyXc };
}

async function kernels(x: Float32Array, dy: Float32Array, shape: number[]) {
  const c = shape[shape.length - 1];
  const k = randomArray(c, 60);
  const scale = randomArray(c, 61);
  const shift = randomArray(c, 62);
  const [moments, sums, dx] = await runOn('wasm', () => {
    const xs = tf.tensor(x, shape);
    const g = tf.tensor(dy, shape);
    const stats = tf.engine().runKernel(CHANNEL_MOMENTS, { x: xs }) as tf.Tensor;
    const mean = tf.unstack(stats)[0];
    return [
      stats,
      tf.engine().runKernel(CHANNEL_SUMS, { dy: g, x: xs, mean }) as tf.Tensor,
      tf.engine().runKernel(BATCH_NORM_DX, {
        dy: g,
        x: xs,
        mean,
        k: tf.tensor(k),
        xcScale: tf.tensor(scale),
        shift: tf.tensor(shift)
      }) as tf.Tensor
    ];
  });
  return { moments, sums, dx, k, scale, shift };
}

describe("BatchNormalization's training kernels on wasm", () => {
  it.each([
    ['channels in fours (SIMD)', [6, 5, 5, 8], false],
    ['channels in fours, without the tensor kernels (the loop)', [6, 5, 5, 8], true],
    ['3 channels (the loop)', [4, 7, 6, 3], false]
  ] as const)('match float64 sums and the dx formula: %s', async (_, shape, loop) => {
    const n = tf.util.sizeFromShape([...shape]);
    const c = shape[shape.length - 1];
    // An offset so that the mean matters, as after a convolution.
    const x = randomArray(n, 63).map(v => 3 * v + 2);
    const dy = randomArray(n, 64);
    const got = loop
      ? await withoutTensorKernels(() => kernels(x, dy, [...shape]))
      : await kernels(x, dy, [...shape]);
    const ref = reference(x, dy, c);
    expect(maxRelDiff(got.moments.subarray(0, c), ref.mean)).toBeLessThan(1e-5);
    expect(maxRelDiff(got.moments.subarray(c), ref.variance)).toBeLessThan(1e-5);
    expect(maxRelDiff(got.sums.subarray(0, c), ref.sumDy)).toBeLessThan(1e-5);
    expect(maxRelDiff(got.sums.subarray(c), ref.sumDyXc)).toBeLessThan(1e-5);
    const mean = got.moments.subarray(0, c);
    const dx = Float32Array.from(x, (v, i) => {
      const ch = i % c;
      return dy[i] * got.k[ch] - (v - mean[ch]) * got.scale[ch] - got.shift[ch];
    });
    expect(maxRelDiff(got.dx, dx)).toBeLessThan(1e-6);
  });

  it('give the same bits on one thread as shared between threads', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    await helpersReady();
    // 2 M floats: the sums are shared between threads where there are two.
    const shape = [32, 64, 64, 16];
    const n = tf.util.sizeFromShape(shape);
    const x = randomArray(n, 65).map(v => 3 * v + 2);
    const dy = randomArray(n, 66);
    const shared = await kernels(x, dy, shape);
    const alone = await withoutKernelHelpers(() => kernels(x, dy, shape));
    for (const key of ['moments', 'sums', 'dx'] as const) {
      expect(sameBits(shared[key], alone[key])).toBe(true);
    }
  });
});
