/**
 * The built-in networks: valid documents, parameter counts equal to the published models'
 * (torchvision / Keras / the CIFAR ResNet-18), and one training step on the engine's backend
 * (wasm here) for each at 28×28.
 */
import { ensureBackend, tf } from '../backend';
import { compileTfjs } from './compile-tfjs';
import { builtin, list } from './index';
import { validateNetwork } from './validate';

beforeAll(async () => {
  await ensureBackend();
});

const count = (doc: ReturnType<typeof builtin>, inputShape: number[]) => {
  const check = validateNetwork(doc, { inputShape });
  expect(check.issues).toEqual([]);
  return check.params;
};

test('the catalog lists the four built-ins', () => {
  expect(list().map(n => n.name)).toEqual(['small_cnn', 'vgg', 'resnet18', 'mobilenet_v2']);
});

test('ResNet-18 has the published parameter counts', () => {
  // torchvision's resnet18 (3 channels, 1000 classes): 11,689,512 weights.
  const imagenet = builtin('resnet18', { classes: 1000, stem: 'imagenet' });
  expect(count(imagenet, [224, 224, 3]).trainable).toBe(11_689_512);
  // The CIFAR variant (3×3 stem, 10 classes) has 11,173,962; on 1 channel with 2 classes the
  // stem loses 9·2·64 and the classifier 512·8 + 8 weights.
  const small = builtin('resnet18', { classes: 2, inputShape: [28, 28, 1] });
  const p = count(small, [28, 28, 1]);
  expect(p.trainable).toBe(11_173_962 - 9 * 2 * 64 - (512 * 8 + 8));
  // Moving mean and variance of 4800 BatchNorm channels.
  expect(p.nonTrainable).toBe(2 * 4800);
  const model = compileTfjs(small, { seed: 0 });
  expect(model.countParams()).toBe(p.total);
  // No max-pool in the stem: 28 → 28 → 14 → 7 → 4.
  expect(
    ['s1b2_relu2', 's2b2_relu2', 's3b2_relu2', 's4b2_relu2'].map(
      id => model.getLayer(id).outputShape
    )
  ).toEqual([
    [null, 28, 28, 64],
    [null, 14, 14, 128],
    [null, 7, 7, 256],
    [null, 4, 4, 512]
  ]);
  model.dispose();
});

test('MobileNetV2 has Keras’ parameter counts', () => {
  // keras.applications.MobileNetV2 (alpha 1, 1000 classes): 3,538,984 total, 3,504,872 trainable.
  const p = count(builtin('mobilenet_v2', { classes: 1000, stem: 'imagenet' }), [224, 224, 3]);
  expect(p).toEqual({ total: 3_538_984, trainable: 3_504_872, nonTrainable: 34_112 });
  const small = builtin('mobilenet_v2', { classes: 2, inputShape: [28, 28, 1] });
  const model = compileTfjs(small, { seed: 0 });
  expect(model.countParams()).toBe(3_538_984 - 9 * 2 * 32 - 1281 * 998);
  expect(model.getLayer('head_relu').outputShape).toEqual([null, 4, 4, 1280]);
  model.dispose();
});

test('VGG-style parameter count follows the conv/BN/dense formula', () => {
  const doc = builtin('vgg', { classes: 3, inputShape: [28, 28, 1] });
  const conv = (cin: number, cout: number) => 9 * cin * cout + 4 * cout; // no bias; BN 4/channel
  const expected =
    conv(1, 32) +
    conv(32, 32) +
    conv(32, 64) +
    conv(64, 64) +
    conv(64, 128) +
    conv(128, 128) +
    (3 * 3 * 128 * 256 + 256) +
    (256 * 3 + 3);
  const model = compileTfjs(doc, { seed: 0 });
  expect(model.countParams()).toBe(expected);
  expect(count(doc, [28, 28, 1]).total).toBe(expected);
  model.dispose();
});

test.each(['small_cnn', 'vgg', 'resnet18', 'mobilenet_v2'] as const)(
  '%s trains one batch at 28×28 on the engine backend',
  async name => {
    const model = compileTfjs(builtin(name, { classes: 2 }), { seed: 1, inputShape: [28, 28, 1] });
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0], 'int32'), 2);
    const optimizer = tf.train.adam(1e-3);
    const before = model.getLayer('logits').getWeights()[0].dataSync().slice();
    const cost = optimizer.minimize(
      () =>
        tf.losses.softmaxCrossEntropy(
          y,
          model.apply(x, { training: true }) as tf.Tensor
        ) as tf.Scalar,
      true
    )!;
    expect(Number.isFinite(cost.dataSync()[0])).toBe(true);
    const after = model.getLayer('logits').getWeights()[0].dataSync();
    expect(after).not.toEqual(before);
    tf.dispose([x, y, cost]);
    optimizer.dispose();
    model.dispose();
  }
);
