import { tf } from '../tf';
import { runOn } from '../testing/compare';

describe('wasm Cast', () => {
  it('shares the buffer for a same-dtype cast, and the source stays usable after', async () => {
    const [cast, after] = await runOn('wasm', () => {
      const x = tf.tensor([1.5, -2, 3]);
      const y = tf.cast(x, 'float32');
      const z = y.add(1);
      x.dispose(); // y keeps the shared buffer alive
      return [y, z];
    });
    expect(Array.from(cast)).toEqual([1.5, -2, 3]);
    expect(Array.from(after)).toEqual([2.5, -1, 4]);
  });

  it('converts between dtypes as the cpu backend does (bool: any non-zero is true)', async () => {
    const run = () => [
      tf.cast(tf.tensor([1.7, -2.2, 0]), 'int32'),
      tf.cast(tf.tensor([3, -4], undefined, 'int32'), 'float32'),
      tf.cast(tf.tensor([0, 2.5, -0.5, 256, NaN]), 'bool'),
      tf.cast(tf.tensor([0, 256, -1], undefined, 'int32'), 'bool')
    ];
    const cpu = await runOn('cpu', run);
    const wasm = await runOn('wasm', run);
    expect(wasm.map(a => Array.from(a))).toEqual(cpu.map(a => Array.from(a)));
    expect(Array.from(wasm[2])).toEqual([0, 1, 1, 1, 1]);
  });
});
