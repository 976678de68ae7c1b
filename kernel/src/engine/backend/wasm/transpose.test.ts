import { tf } from '../tf';
import { randomArray, runOn, wasmVsCpu } from '../testing/compare';
import { swapsOuterInner } from './transpose';

describe('wasm Transpose', () => {
  it('recognises the swaps of the first and last axes', () => {
    expect(swapsOuterInner([1, 0])).toBe(true);
    expect(swapsOuterInner([2, 1, 0])).toBe(true);
    expect(swapsOuterInner([3, 1, 2, 0])).toBe(true);
    expect(swapsOuterInner([3, 2, 1, 0])).toBe(false);
    expect(swapsOuterInner([0, 2, 1])).toBe(false);
    expect(swapsOuterInner([0])).toBe(false);
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
