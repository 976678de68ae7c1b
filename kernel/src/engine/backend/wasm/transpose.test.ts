import { tf } from '../tf';
import { randomArray, runOn, wasmVsCpu } from '../testing/compare';
import { outerInnerSwap } from './transpose';

describe('wasm Transpose', () => {
  it('recognises permutations that swap two runs of axes around a third', () => {
    const shape = [2, 3, 5, 7];
    expect(outerInnerSwap([4, 6], [1, 0])).toEqual([4, 1, 6]);
    expect(outerInnerSwap(shape, [3, 1, 2, 0])).toEqual([2, 15, 7]);
    expect(outerInnerSwap(shape, [3, 0, 1, 2])).toEqual([30, 1, 7]);
    expect(outerInnerSwap(shape, [1, 2, 3, 0])).toEqual([2, 1, 105]);
    expect(outerInnerSwap(shape, [2, 3, 1, 0])).toEqual([2, 3, 35]);
    expect(outerInnerSwap(shape, [3, 2, 1, 0])).toBeNull();
    expect(outerInnerSwap(shape, [0, 2, 1, 3])).toBeNull();
    expect(outerInnerSwap(shape, [0, 1, 2, 3])).toBeNull();
  });

  it.each([
    [
      [8, 12],
      [1, 0]
    ],
    [
      [7, 5],
      [1, 0]
    ],
    [
      [6, 3, 9],
      [2, 1, 0]
    ],
    [
      [8, 4, 4, 16],
      [3, 1, 2, 0]
    ],
    // Edges in both swapped axes (not multiples of four), and a permutation the stock
    // kernel keeps.
    [
      [5, 3, 2, 7],
      [3, 1, 2, 0]
    ],
    [
      [6, 3, 5, 7],
      [3, 0, 1, 2]
    ],
    [
      [5, 2, 3, 4],
      [1, 2, 3, 0]
    ],
    [
      [4, 3, 2, 8],
      [1, 2, 0, 3]
    ]
  ])('matches the cpu backend exactly: %j by %j', async (shape, perm) => {
    const values = randomArray(tf.util.sizeFromShape(shape), 21);
    const diff = await wasmVsCpu(() => tf.transpose(tf.tensor(values, shape), perm));
    expect(diff).toBe(0);
  });

  it('moves int32 values bit for bit', async () => {
    const values = Int32Array.from({ length: 6 * 10 }, (_, i) => (i * 2654435761) | 0);
    const [out] = await runOn('wasm', () => tf.transpose(tf.tensor2d(values, [6, 10], 'int32')));
    const expected = Array.from({ length: 60 }, (_, i) => values[(i % 6) * 10 + Math.floor(i / 6)]);
    expect(Array.from(out)).toEqual(expected);
  });
});
