import { tf } from '../tf';
import { randomArray, runOn } from '../testing/compare';

// Contiguous, strided, full, empty and scalar-like slices, int32 and bool as well as float32.
const CASES: Array<{ shape: number[]; begin: number[]; size: number[]; dtype: tf.DataType }> = [
  { shape: [6, 4, 4, 3], begin: [2, 0, 0, 0], size: [3, 4, 4, 3], dtype: 'float32' },
  { shape: [6, 4, 4, 3], begin: [1, 1, 2, 1], size: [2, 3, 2, 2], dtype: 'float32' },
  { shape: [5, 7], begin: [0, 3], size: [5, -1], dtype: 'float32' },
  { shape: [9], begin: [4], size: [3], dtype: 'int32' },
  { shape: [3, 5], begin: [1, 1], size: [2, 0], dtype: 'float32' },
  { shape: [2, 3, 4], begin: [0, 1, 0], size: [2, 2, 4], dtype: 'bool' }
];

describe('wasm Slice', () => {
  it.each(CASES.map(c => [JSON.stringify(c), c] as const))(
    'equals the cpu backend, %s',
    async (_, c) => {
      const values = randomArray(tf.util.sizeFromShape(c.shape), 7).map(v =>
        c.dtype === 'float32' ? v : Math.round(v * 10) > 0 ? Math.round(v * 10) : 0
      );
      const run = () => tf.slice(tf.tensor(values, c.shape, c.dtype), c.begin, c.size);
      const [cpu] = await runOn('cpu', run);
      const [wasm] = await runOn('wasm', run);
      expect(Array.from(wasm)).toEqual(Array.from(cpu));
    }
  );

  it('leaves the sliced tensor intact and shares nothing with it', async () => {
    const [whole, part] = await runOn('wasm', () => {
      const x = tf.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
      const s = tf.slice(x, [1, 0], [1, 2]);
      return [x, s.add(10)];
    });
    expect(Array.from(whole)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(part)).toEqual([13, 14]);
  });
});
