import { tf } from '../tf';
import { randomArray, wasmVsCpu } from '../testing/compare';

describe('wasm BatchMatMul with transposed operands', () => {
  it.each([
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[2, 4, 6], [2, 6, 3], false, false],
    [[2, 6, 4], [2, 3, 6], true, true],
    [[2, 6, 4], [6, 3], true, false]
  ] as const)(
    'matches the cpu backend: %j × %j, transposeA %s, transposeB %s',
    async (sa, sb, ta, tb) => {
      const as = randomArray(tf.util.sizeFromShape([...sa]), 51);
      const bs = randomArray(tf.util.sizeFromShape([...sb]), 52);
      const diff = await wasmVsCpu(() =>
        tf.matMul(tf.tensor(as, [...sa]), tf.tensor(bs, [...sb]), ta, tb)
      );
      expect(diff).toBeLessThan(1e-6);
    }
  );

  it('gives the gradients of a Dense layer', async () => {
    const xs = randomArray(6 * 10, 53);
    const ws = randomArray(10 * 4, 54);
    const diff = await wasmVsCpu(() =>
      tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.matMul(x, w).square().sum())([
        tf.tensor(xs, [6, 10]),
        tf.tensor(ws, [10, 4])
      ])
    );
    expect(diff).toBeLessThan(1e-5);
  });
});
