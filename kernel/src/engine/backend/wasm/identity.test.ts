import { tf } from '../tf';
import { ensureBackend } from '../select';

describe('wasm Identity (shared buffer)', () => {
  it('clones share memory yet stay valid when the original is disposed', async () => {
    await ensureBackend('wasm');
    const tensors = tf.memory().numTensors;
    const a = tf.tensor([1, -2, 3, 4], [2, 2]);
    const b = tf.clone(a);
    expect(b.dataId).toBe(a.dataId); // one buffer, not two
    a.dispose();
    expect(Array.from(await b.data())).toEqual([1, -2, 3, 4]);
    b.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('does not let a variable update change an earlier clone', async () => {
    await ensureBackend('wasm');
    const v = tf.variable(tf.tensor([1, 2, 3]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor([7, 8, 9]));
    expect(Array.from(await snapshot.data())).toEqual([1, 2, 3]);
    expect(Array.from(await v.data())).toEqual([7, 8, 9]);
    tf.dispose([v, snapshot]);
  });
});
