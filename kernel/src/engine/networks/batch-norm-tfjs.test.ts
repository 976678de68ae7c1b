import { ensureBackend, tf } from '../backend';
import { maxRelDiff, randomArray } from '../backend/testing/compare';
import { FusedBatchNormalization } from './batch-norm-tfjs';

type Case = { shape: number[]; momentum: number; epsilon: number };
const CASES: Case[] = [
  { shape: [4, 5, 6, 3], momentum: 0.99, epsilon: 1e-3 },
  { shape: [7, 4], momentum: 0.9, epsilon: 1e-5 }
];

/**
 * Output, gradients of a weighted sum of the output with respect to x, γ and β, and the moving
 * statistics after one training call, for a BatchNormalization layer of the given kind.
 */
function trainingCall(fused: boolean, c: Case): Float32Array[] {
  return tf.tidy(() => {
    const channels = c.shape[c.shape.length - 1];
    const args = { momentum: c.momentum, epsilon: c.epsilon, inputShape: c.shape.slice(1) };
    const layer = fused ? new FusedBatchNormalization(args) : tf.layers.batchNormalization(args);
    layer.build(c.shape);
    // Non-trivial γ, β and moving statistics, the same for both kinds.
    layer.setWeights([
      tf.tensor(randomArray(channels, 5)).add(1.5),
      tf.tensor(randomArray(channels, 6)),
      tf.tensor(randomArray(channels, 7)),
      tf.tensor(randomArray(channels, 8)).add(2)
    ]);
    const x = tf
      .tensor(randomArray(tf.util.sizeFromShape(c.shape), 1), c.shape)
      .mul(3)
      .add(1);
    const w = tf.tensor(randomArray(tf.util.sizeFromShape(c.shape), 2), c.shape);
    const [gamma, beta] = layer.trainableWeights.map(v => v.read() as tf.Variable);
    let y: tf.Tensor | undefined;
    const { grads } = tf.variableGrads(() => {
      y = tf.keep(layer.apply(x, { training: true }) as tf.Tensor);
      return tf.sum(tf.mul(y, w)) as tf.Scalar;
    }, [gamma, beta]);
    const dx = tf.grad(input =>
      tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, w))
    )(x);
    const moving = layer.getWeights().slice(2);
    const values = [y!, dx, grads[gamma.name], grads[beta.name], ...moving].map(
      t => t.dataSync().slice() as Float32Array
    );
    tf.dispose(y!);
    return values;
  });
}

describe.each(['wasm', 'cpu'] as const)('FusedBatchNormalization on %s', backend => {
  beforeAll(async () => {
    await ensureBackend(backend);
  });

  it.each(CASES.map(c => [JSON.stringify(c), c] as const))(
    'trains exactly as tfjs-layers BatchNormalization, %s',
    (_, c) => {
      const fused = trainingCall(true, c);
      const stock = trainingCall(false, c);
      const names = ['y', 'dx', 'dgamma', 'dbeta', 'moving mean', 'moving variance'];
      // The moving statistics were updated twice (two training calls) by both.
      for (let i = 0; i < names.length; i++) {
        expect([names[i], maxRelDiff(fused[i], stock[i])]).toEqual([names[i], expect.any(Number)]);
        expect(maxRelDiff(fused[i], stock[i])).toBeLessThan(2e-5);
      }
      // dx sums to ~0 per channel: the batch mean's gradient is included, not dropped.
      expect(Math.abs(fused[1].reduce((a, b) => a + b, 0))).toBeLessThan(1e-3);
    }
  );

  it('keeps its class name, so saved models load as plain BatchNormalization', () => {
    const layer = new FusedBatchNormalization({});
    expect(layer.getClassName()).toBe('BatchNormalization');
  });
});
