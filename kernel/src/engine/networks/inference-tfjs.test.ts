/**
 * Inference with BatchNormalization folded into convolutions: the same outputs as the model's
 * own predict (within float rounding) for the four built-in networks with trained-looking
 * statistics, the groups it folds, what it leaves alone, and no tensor left behind.
 */
import { ensureBackend, tf } from '../backend';
import { compileTfjs } from './compile-tfjs';
import { builtin } from './index';
import { InferenceRunner } from './inference-tfjs';

beforeAll(async () => {
  await ensureBackend();
});

/** Moving statistics, γ and β far from their initial 0/1, as after training. */
function perturbNorms(model: tf.LayersModel, seed: number): void {
  model.layers
    .filter(l => l.getClassName() === 'BatchNormalization')
    .forEach((layer, i) => {
      const ranges = layer.weights.map(w =>
        // γ and the variance in [0.5, 1.5]; β and the mean in [-1, 1]
        /gamma|variance/.test(w.originalName) ? [0.5, 1.5] : [-1, 1]
      );
      layer.setWeights(
        layer
          .getWeights()
          .map((w, k) => tf.randomUniform(w.shape, ranges[k][0], ranges[k][1], 'float32', seed + i))
      );
    });
}

function maxRelativeDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(a, b)), tf.add(tf.abs(b), 1))).dataSync()[0]);
}

// Convolutions folded; of those the ones run on wasm by Winograd (3×3, stride 1, channels in
// fours: not strided or 1×1 convolutions, not depthwise ones) and by the direct kernel for 1-3
// input channels (the first layer, on grayscale images); and the groups that take the 2×2
// MaxPooling after them.
const NETWORKS = [
  ['small_cnn', 3, 2, 1, 3],
  ['vgg', 6, 5, 1, 3],
  ['resnet18', 20, 13, 1, 0],
  ['mobilenet_v2', 52, 0, 1, 0]
] as const;

test.each(NETWORKS)(
  '%s: folded inference equals the model (%i convolutions folded, %i by Winograd on wasm)',
  (name, folded, winograd, fewChannels, pooled) => {
    const model = compileTfjs(builtin(name, { classes: 3, inputShape: [32, 32, 1] }), {
      seed: 1
    });
    perturbNorms(model, 7);
    const x = tf.randomUniform([4, 32, 32, 1], 0, 1, 'float32', 3);
    const expected = model.predict(x) as tf.Tensor;
    const before = tf.memory().numTensors;
    const runner = new InferenceRunner(model);
    expect(runner.folds).toHaveLength(folded);
    const wasm = tf.getBackend() === 'wasm';
    expect(runner.winogradConvolutions).toBe(wasm ? winograd : 0);
    expect(runner.fewChannelsConvolutions).toBe(wasm ? fewChannels : 0);
    expect(runner.folds.filter(f => /pool\d*$/.test(f))).toHaveLength(pooled);
    const y = runner.predict(x);
    expect(y.shape).toEqual(expected.shape);
    expect(maxRelativeDifference(y, expected)).toBeLessThan(1e-4);
    runner.dispose();
    y.dispose();
    // Nothing left behind: intermediate tensors freed, folded weights disposed.
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, expected]);
    model.dispose();
  }
);

test('a ReLU after the normalisation is fused; shared tensors and activations are not', () => {
  const input = tf.input({ shape: [8, 8, 2] });
  const conv = (name: string) =>
    tf.layers.conv2d({ name, filters: 4, kernelSize: 3, padding: 'same', useBias: false });
  const norm = (name: string) => tf.layers.batchNormalization({ name });
  // a: conv → BN → ReLU, all folded into one op.
  const a = tf.layers
    .reLU({ name: 'a_relu' })
    .apply(norm('a_bn').apply(conv('a_conv').apply(input))) as tf.SymbolicTensor;
  // b: the convolution's output is also read by the sum below: not folded.
  const bConv = conv('b_conv').apply(a) as tf.SymbolicTensor;
  const b = norm('b_bn').apply(bConv) as tf.SymbolicTensor;
  // c: conv with a bias → BN, then a sigmoid that stays a layer of its own.
  const cConv = tf.layers.conv2d({ name: 'c_conv', filters: 4, kernelSize: 1 }).apply(b);
  const c = tf.layers
    .activation({ name: 'c_sigmoid', activation: 'sigmoid' })
    .apply(norm('c_bn').apply(cConv));
  const sum = tf.layers.add({ name: 'sum' }).apply([c as tf.SymbolicTensor, bConv]);
  const model = tf.model({ inputs: input, outputs: sum as tf.SymbolicTensor });
  perturbNorms(model, 11);
  const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 5);
  const runner = new InferenceRunner(model);
  expect(runner.folds).toEqual(['a_conv+a_bn+relu', 'c_conv+c_bn']);
  const y = runner.predict(x);
  expect(maxRelativeDifference(y, model.predict(x) as tf.Tensor)).toBeLessThan(1e-4);
  runner.dispose();
});

test('a runner made after the weights change uses the new weights', () => {
  const model = compileTfjs(builtin('small_cnn', { classes: 2, inputShape: [16, 16, 1] }), {
    seed: 2
  });
  const x = tf.randomUniform([2, 16, 16, 1], 0, 1, 'float32', 9);
  const first = new InferenceRunner(model);
  const before = first.predict(x);
  perturbNorms(model, 13);
  const second = new InferenceRunner(model);
  const after = second.predict(x);
  expect(maxRelativeDifference(after, model.predict(x) as tf.Tensor)).toBeLessThan(1e-4);
  expect(maxRelativeDifference(after, before)).toBeGreaterThan(1e-2);
  first.dispose();
  second.dispose();
});
