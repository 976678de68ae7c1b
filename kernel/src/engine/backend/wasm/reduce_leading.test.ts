import { tf } from '../tf';
import { randomArray, runOn, wasmVsCpu } from '../testing/compare';
import { leadingAxesCount } from './reduce_leading';

describe('Sum and Mean over leading axes on wasm', () => {
  it('recognises leading axes only', () => {
    expect(leadingAxesCount([0, 1, 2], 4)).toBe(3);
    expect(leadingAxesCount([2, 0, 1], 4)).toBe(3);
    expect(leadingAxesCount(0, 2)).toBe(1);
    expect(leadingAxesCount([-4, -3], 4)).toBe(2);
    expect(leadingAxesCount([1, 2], 4)).toBe(-1);
    expect(leadingAxesCount([0, 1, 2, 3], 4)).toBe(-1);
  });

  it.each([
    [[0, 1, 2], false],
    [[0, 1, 2], true],
    [[0], false],
    [[1, 2], false],
    [[3], true],
    [[0, 1, 2, 3], false]
  ] as const)('matches the cpu backend over axes %j (keepDims %s)', async (axes, keepDims) => {
    const xs = randomArray(4 * 7 * 5 * 6, 31);
    const diff = await wasmVsCpu(() => {
      const x = tf.tensor(xs, [4, 7, 5, 6]);
      return [tf.sum(x, [...axes], keepDims), tf.mean(x, [...axes], keepDims)];
    });
    expect(diff).toBeLessThan(1e-6);
  });

  it('keeps the shape contract and leaves int32 sums to the stock kernel', async () => {
    const [s, i] = await runOn('wasm', () => {
      const x = tf.tensor(randomArray(24, 32), [2, 3, 4]);
      const sum = tf.sum(x, [0, 1], true);
      expect(sum.shape).toEqual([1, 1, 4]);
      return [
        sum,
        tf.sum(
          tf.tensor(
            [
              [1, 2],
              [3, 4]
            ],
            [2, 2],
            'int32'
          ),
          0
        )
      ];
    });
    expect(s).toHaveLength(4);
    expect(Array.from(i)).toEqual([4, 6]);
  });
});

describe('registration', () => {
  it('replaces the stock Sum and Mean kernels once wasm is started', async () => {
    await runOn('wasm', () => tf.scalar(0));
    expect(tf.getKernel('Sum', 'wasm')?.kernelFunc.name).toBe('reduce');
    expect(tf.getKernel('Mean', 'wasm')?.kernelFunc.name).toBe('reduce');
  });
});

describe('precision over many rows', () => {
  it('sums 100k rows as accurately as float32 allows', async () => {
    const xs = randomArray(50_000 * 2 * 3, 33);
    const exact = [0, 0, 0];
    xs.forEach((v, i) => (exact[i % 3] += v / 100_000));
    const [mean] = await runOn('wasm', () => tf.mean(tf.tensor(xs, [500, 100, 2, 3]), [0, 1, 2]));
    mean.forEach((m, c) => expect(Math.abs(m - exact[c])).toBeLessThan(1e-6));
  });
});
