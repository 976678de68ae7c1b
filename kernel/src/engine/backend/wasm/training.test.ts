import { tf } from '../tf';
import { ensureBackend } from '../select';
import { maxRelDiff, randomArray } from '../testing/compare';
import type { BackendName } from '../types';

const SIZE = 12;
const BATCH = 6;
const xs = randomArray(BATCH * SIZE * SIZE * 1, 41);
const labels = Array.from({ length: BATCH }, (_, i) => i % 2);

/** Conv → BatchNorm → ReLU → MaxPool → Dropout → Dense, seeded so both backends start equal. */
function buildModel(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({
      inputShape: [SIZE, SIZE, 1],
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      kernelInitializer: init(1)
    })
  );
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.reLU());
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(
    tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, kernelInitializer: init(2) })
  );
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.reLU());
  model.add(tf.layers.maxPooling2d({ poolSize: 2, padding: 'same' }));
  model.add(tf.layers.dropout({ rate: 0.25, seed: 3 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2, kernelInitializer: init(4) }));
  return model;
}

function lossOf(model: tf.LayersModel): tf.Scalar {
  const x = tf.tensor4d(xs, [BATCH, SIZE, SIZE, 1]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
  const logits = model.apply(x, { training: true }) as tf.Tensor;
  return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
}

async function gradientsOn(name: BackendName): Promise<Float32Array[]> {
  await ensureBackend(name);
  const model = buildModel();
  const { grads } = tf.variableGrads(() => lossOf(model));
  const names = Object.keys(grads).sort();
  expect(names.length).toBe(model.trainableWeights.length);
  const values = await Promise.all(names.map(n => grads[n].data() as Promise<Float32Array>));
  tf.dispose(Object.values(grads));
  model.dispose();
  return values;
}

describe('training a small CNN on the fixed wasm backend', () => {
  it('computes the same gradients for every weight as the cpu backend', async () => {
    const cpu = await gradientsOn('cpu');
    const wasm = await gradientsOn('wasm');
    expect(wasm.length).toBe(cpu.length);
    for (let i = 0; i < cpu.length; i++) {
      expect(maxRelDiff(wasm[i], cpu[i])).toBeLessThan(1e-5);
    }
  });

  it('lowers the loss with a few Adam steps', async () => {
    await ensureBackend('wasm');
    const model = buildModel();
    const optimizer = tf.train.adam(0.01);
    const losses: number[] = [];
    for (let step = 0; step < 15; step++) {
      const loss = optimizer.minimize(() => lossOf(model), true) as tf.Scalar;
      losses.push((await loss.data())[0]);
      loss.dispose();
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    // No tensors and no backend buffers (the kernels' own intermediates) are left behind.
    const buffers = () => tf.backend().numDataIds();
    const [tensors, ids] = [tf.memory().numTensors, buffers()];
    for (let step = 0; step < 3; step++)
      tf.dispose(optimizer.minimize(() => lossOf(model), true) ?? []);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(buffers()).toBe(ids);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.7);
    model.dispose();
    optimizer.dispose();
  });
});
