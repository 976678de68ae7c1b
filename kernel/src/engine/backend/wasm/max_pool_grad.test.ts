import { tf } from '../tf';
import { randomArray, runOn, wasmVsCpu } from '../testing/compare';

describe('wasm MaxPoolGrad', () => {
  it.each([
    [[2, 8, 8, 3], 2, 2, 'valid'],
    [[2, 7, 9, 2], 3, 2, 'same'],
    [[1, 9, 9, 4], 3, 1, 'same'],
    [[3, 10, 10, 1], 3, 3, 'valid']
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

  it('gives the gradient of a tied window to its first maximum, as the cpu backend (ReLU zeros)', async () => {
    // After a ReLU about 1 in 16 windows is all zeros: ties must not duplicate the gradient.
    const xs = randomArray(2 * 6 * 8 * 5, 13);
    const diff = await wasmVsCpu(() => {
      const x = tf.relu(tf.tensor(xs, [2, 6, 8, 5])) as tf.Tensor4D;
      const w = tf.tensor(randomArray(2 * 3 * 4 * 5, 14), [2, 3, 4, 5]);
      return tf.grad((v: tf.Tensor) =>
        tf
          .maxPool(v as tf.Tensor4D, 2, 2, 'valid')
          .mul(w)
          .sum()
      )(x);
    });
    expect(diff).toBe(0);
  });
});
