import { ensureBackend, tf } from '../backend';
import { maxRelDiff, randomArray } from '../backend/testing/compare';
import { FastActivation } from './activation-tfjs';

/** Output and input gradient of an Activation layer on values in (-8, 8), none exactly 0 or 6. */
function run(fast: boolean, activation: string): Float32Array[] {
  return tf.tidy(() => {
    const layer = fast
      ? new FastActivation({ activation })
      : tf.layers.activation({ activation: activation as 'relu6' });
    const x = tf.tensor(randomArray(4 * 5 * 5 * 3, 3), [4, 5, 5, 3]).mul(8);
    const w = tf.tensor(randomArray(4 * 5 * 5 * 3, 4), [4, 5, 5, 3]);
    const y = layer.apply(x) as tf.Tensor;
    const dx = tf.grad(v => tf.sum(tf.mul(layer.apply(v) as tf.Tensor, w)))(x);
    return [y, dx].map(t => t.dataSync().slice() as Float32Array);
  });
}

describe.each(['wasm', 'cpu'] as const)('FastActivation on %s', backend => {
  beforeAll(async () => {
    await ensureBackend(backend);
  });

  it.each(['relu6', 'relu', 'sigmoid'])('%s equals tfjs-layers Activation, with gradient', name => {
    const [y, dx] = run(true, name);
    const [y0, dx0] = run(false, name);
    expect(maxRelDiff(y, y0)).toBeLessThan(1e-6);
    expect(maxRelDiff(dx, dx0)).toBeLessThan(1e-6);
  });

  it('keeps the class name and config of a plain Activation', () => {
    const layer = new FastActivation({ activation: 'relu6' });
    expect(layer.getClassName()).toBe('Activation');
    expect(layer.getConfig().activation).toBe('relu6');
  });
});
