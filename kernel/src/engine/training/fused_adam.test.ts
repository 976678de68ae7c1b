import { tf, ensureBackend } from '../backend';
import { maxRelDiff, randomArray } from '../backend/testing/compare';
import { FusedAdam } from './fused_adam';
import { makeOptimizer, resolveOptimizer, setLearningRate } from './optimizers';

/** Values of two variables after `steps` updates with a quadratic-ish loss, per optimizer. */
function trainTwoVariables(optimizer: tf.Optimizer, steps: number): Float32Array[] {
  const [a, b] = tf.tidy(() => [
    tf.variable(tf.tensor(randomArray(12, 1), [3, 4])),
    tf.variable(tf.tensor(randomArray(5, 2), [5]))
  ]);
  const target = tf.tensor(randomArray(12, 3), [3, 4]);
  for (let s = 0; s < steps; s++) {
    if (s === 3) setLearningRate(optimizer, 0.02); // the per-epoch decay path
    optimizer.minimize(
      () => tf.add(tf.sum(tf.square(tf.sub(a, target))), tf.sum(tf.mul(tf.sin(b), b))) as tf.Scalar,
      false,
      [a, b]
    );
  }
  const out = [a.dataSync().slice(), b.dataSync().slice()] as Float32Array[];
  tf.dispose([a, b, target]);
  optimizer.dispose();
  return out;
}

describe.each(['wasm', 'cpu'] as const)('FusedAdam on %s', backend => {
  beforeAll(async () => {
    await ensureBackend(backend);
  });

  it('takes the same steps as tf.train.adam (learning-rate change included)', () => {
    const fused = trainTwoVariables(new FusedAdam(0.05, 0.8, 0.99, 1e-6), 8);
    const stock = trainTwoVariables(tf.train.adam(0.05, 0.8, 0.99, 1e-6), 8);
    expect(maxRelDiff(fused[0], stock[0])).toBeLessThan(1e-5);
    expect(maxRelDiff(fused[1], stock[1])).toBeLessThan(1e-5);
    // And it moved: the update is not a no-op that would pass the comparison trivially.
    expect(maxRelDiff(fused[0], randomArray(12, 1))).toBeGreaterThan(0.1);
  });

  it('is what the training settings make for adam, and leaks no tensors', () => {
    const optimizer = makeOptimizer(resolveOptimizer({ name: 'adam', lr: 0.01 }));
    expect(optimizer).toBeInstanceOf(FusedAdam);
    const before = tf.memory().numTensors;
    trainTwoVariables(optimizer, 2);
    expect(tf.memory().numTensors).toBe(before);
  });
});
