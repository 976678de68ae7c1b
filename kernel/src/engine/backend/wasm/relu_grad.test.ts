import { tf } from '../tf';
import { randomArray, runOn, wasmVsCpu } from '../testing/compare';
import { withoutTensorKernels } from './tensor-kernels';

/** The gradient of Σ w·relu(x) (or relu6) with respect to x. */
const reluGradient =
  (x: Float32Array, w: Float32Array, shape: number[], relu = tf.relu) =>
  () =>
    tf.grad((v: tf.Tensor) => tf.sum(tf.mul(relu(v), tf.tensor(w, shape))))(tf.tensor(x, shape));

describe('ReLU gradient (MedflowReluGrad on wasm)', () => {
  it.each([
    [[4, 6, 6, 8]], // SIMD: a multiple of 4 values
    [[3, 5, 7]] // 105 values: the loop
  ])('matches tfjs-core on the cpu backend exactly, shape %j', async shape => {
    const n = tf.util.sizeFromShape(shape);
    const x = randomArray(n, 50);
    // Exact zeros too (after a ReLU or a MaxPool many inputs are 0): their gradient is 0.
    for (let i = 0; i < n; i += 7) x[i] = 0;
    const w = randomArray(n, 51);
    expect(await wasmVsCpu(reluGradient(x, w, shape))).toBe(0);
    const loop = await withoutTensorKernels(() => wasmVsCpu(reluGradient(x, w, shape)));
    expect(loop).toBe(0);
  });

  it('passes NaN inputs on as NaN and infinite gradients of positive inputs as they are', async () => {
    const x = new Float32Array([NaN, -1, 0, 2, 3, -0, 5, NaN]);
    const w = new Float32Array([1, 1, 1, 1, Infinity, 1, -2, 1]);
    const [dx] = await runOn('wasm', reluGradient(x, w, [8]));
    expect(Array.from(dx)).toEqual([NaN, 0, 0, 1, Infinity, 0, -2, NaN]);
  });

  it.each([[[4, 6, 6, 8]], [[3, 5, 7]]])(
    "ReLU6's: matches tfjs-core on the cpu backend exactly, shape %j",
    async shape => {
      const n = tf.util.sizeFromShape(shape);
      // Values on both sides of 0 and 6, and both edges exactly (x = 6 passes, x = 0 does not).
      const x = randomArray(n, 52).map(v => v * 8);
      for (let i = 0; i < n; i += 7) x[i] = i % 2 ? 6 : 0;
      const w = randomArray(n, 53);
      expect(await wasmVsCpu(reluGradient(x, w, shape, tf.relu6))).toBe(0);
      const loop = await withoutTensorKernels(() => wasmVsCpu(reluGradient(x, w, shape, tf.relu6)));
      expect(loop).toBe(0);
    }
  );

  it("ReLU6's passes NaN on and stops above 6", async () => {
    const x = new Float32Array([NaN, -1, 0, 2, 6, 6.5, 100, 3]);
    const w = new Float32Array([1, 1, 1, 1, 1, 1, 1, -2]);
    const [dx] = await runOn('wasm', reluGradient(x, w, [8], tf.relu6));
    expect(Array.from(dx)).toEqual([NaN, 0, 0, 1, 1, 0, 0, -2]);
  });
});
