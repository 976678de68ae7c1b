import { tf } from '../tf';
import { randomArray, runOn, wasmVsCpu } from '../testing/compare';
import { fusedBatchNormGradConfig } from './fused_batch_norm_grad';

const X: [number, number, number, number] = [3, 5, 4, 6];
const xs = randomArray(3 * 5 * 4 * 6, 21);
const ws = randomArray(3 * 5 * 4 * 6, 22);
const param = (seed: number, positive = false) =>
  Array.from(randomArray(6, seed), v => (positive ? 0.2 + Math.abs(v) : v));

/** d/d(x, mean, variance, offset, scale) of Σ w·batchNorm(x). */
function grads(rank: 1 | 4): tf.Tensor[] {
  const shape = rank === 1 ? [6] : [1, 1, 1, 6];
  const w = tf.tensor(ws, X);
  const f = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
    tf
      .batchNorm(x as tf.Tensor4D, m, v, o, s, 1e-3)
      .mul(w)
      .sum();
  return tf.grads(f)([
    tf.tensor(xs, X),
    tf.tensor(param(23), shape),
    tf.tensor(param(24, true), shape),
    tf.tensor(param(25), shape),
    tf.tensor(param(26), shape)
  ]);
}

// tfjs-core's own gradient, captured before the fixes replace it (each jest file has fresh
// registries, and nothing above has started the wasm backend yet).
const stock = tf.getGradient('FusedBatchNorm');

function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((t, i) =>
    t.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b[i][j]) / (1 + Math.abs(v)))))
  );
  return worst;
}

describe('FusedBatchNorm gradient (broadcasting)', () => {
  beforeAll(() => {
    expect(stock).not.toBe(fusedBatchNormGradConfig);
    tf.registerGradient(fusedBatchNormGradConfig);
  });

  it('matches tfjs-core’s own gradient on cpu', async () => {
    const ours = await runOn('cpu', () => grads(1));
    tf.registerGradient(stock);
    try {
      expect(maxDiff(ours, await runOn('cpu', () => grads(1)))).toBeLessThan(1e-5);
    } finally {
      tf.registerGradient(fusedBatchNormGradConfig);
    }
  });

  it('also handles parameters of rank 4 (where tfjs-core’s gradient fails)', async () => {
    const rank1 = await runOn('cpu', () => grads(1));
    expect(maxDiff(await runOn('cpu', () => grads(4)), rank1)).toBeLessThan(1e-6);
  });

  it('gives the same gradients on wasm as on cpu', async () => {
    expect(await wasmVsCpu(() => grads(1))).toBeLessThan(1e-5);
  });
});
