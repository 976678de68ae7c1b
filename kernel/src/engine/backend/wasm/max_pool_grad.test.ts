import { tf } from '../tf';
import { randomArray, runOn, wasmVsCpu } from '../testing/compare';
import { tensorKernels } from './tensor-kernels';
import type { BackendWasm } from './util';

describe('wasm MaxPoolGrad', () => {
  it.each([
    [[2, 8, 8, 3], 2, 2, 'valid'],
    [[2, 7, 9, 2], 3, 2, 'same'],
    [[1, 9, 9, 4], 3, 1, 'same'],
    [[3, 10, 10, 1], 3, 3, 'valid'],
    // 2×2 windows over channels in fours: the SIMD kernel (tensor-kernels.wasm).
    [[2, 8, 8, 8], 2, 2, 'valid'],
    [[1, 6, 10, 16], 2, 2, 'same']
  ] as const)(
    'matches the cpu backend: x %j, pool %i, stride %i, %s',
    async (shape, size, s, pad) => {
      const xs = randomArray(tf.util.sizeFromShape([...shape]), 11);
      const diff = await wasmVsCpu(() => {
        const x = tf.tensor(xs, [...shape]) as tf.Tensor4D;
        const y = tf.maxPool(x, size, s, pad);
        const w = tf.tensor(randomArray(y.size, 12), y.shape);
        return tf.grad((v: tf.Tensor) =>
          tf
            .maxPool(v as tf.Tensor4D, size, s, pad)
            .mul(w)
            .sum()
        )(x);
      });
      expect(diff).toBeLessThan(1e-6);
    }
  );

  it('passes the gradient of windows whose maximum is negative', async () => {
    // One 2x2 window, all negative: the whole gradient goes to its maximum, -1.
    const [dx] = await runOn('wasm', () =>
      tf.grad((v: tf.Tensor) =>
        tf
          .maxPool(v as tf.Tensor4D, 2, 2, 'valid')
          .mul(3)
          .sum()
      )(tf.tensor4d([-4, -1, -2, -3], [1, 2, 2, 1]))
    );
    expect(Array.from(dx)).toEqual([0, 3, 0, 0]);
  });

  it.each([5, 8])(
    'gives the gradient of a tied window to its first maximum, as the cpu backend (ReLU zeros, %i channels)',
    async c => {
      // After a ReLU about 1 in 16 windows is all zeros: ties must not duplicate the gradient.
      const xs = randomArray(2 * 6 * 8 * c, 13);
      const diff = await wasmVsCpu(() => {
        const x = tf.relu(tf.tensor(xs, [2, 6, 8, c])) as tf.Tensor4D;
        const w = tf.tensor(randomArray(2 * 3 * 4 * c, 14), [2, 3, 4, c]);
        return tf.grad((v: tf.Tensor) =>
          tf
            .maxPool(v as tf.Tensor4D, 2, 2, 'valid')
            .mul(w)
            .sum()
        )(x);
      });
      expect(diff).toBe(0);
    }
  );

  it('runs its 2×2 windows in the SIMD tensor kernels, on the backend heap in place', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    expect(tensorKernels(tf.backend() as BackendWasm)).not.toBeNull();
    // All-negative windows with a NaN and ties, in four lanes: first maximum wins.
    const [dx] = await runOn('wasm', () =>
      tf.grad((v: tf.Tensor) =>
        tf
          .maxPool(v as tf.Tensor4D, 2, 2, 'valid')
          .mul(tf.tensor4d([1, 2, 3, 4], [1, 1, 1, 4]))
          .sum()
      )(
        // Window positions 0..3 of channels 0..3 (NHWC: position-major).
        tf.tensor4d([-4, 5, NaN, 1, -1, 5, 2, 1, -2, 0, 2, 1, -3, 5, 0, 1], [1, 2, 2, 4])
      )
    );
    // ch0: max −1 at position 1; ch1: 5, first at 0; ch2: nothing compares greater than the
    // NaN at 0, which keeps the gradient (as the scalar loop); ch3: all 1, the first.
    expect(Array.from(dx)).toEqual([0, 2, 3, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
