#!/usr/bin/env node
/**
 * Training and inference throughput of each built-in network on the backend the engine picks,
 * on real PneumoniaMNIST images (28×28×1, rescaled to [0, 1]). Needs `npm run build:kernel`.
 *
 *   node bench/train-networks.mjs [--images 512] [--batch 64] [--epochs 2] [--nets small_cnn,vgg,resnet18,mobilenet_v2]
 *
 * Prints one JSON line per network: training images/s (forward + backward + update, the mean
 * over all epochs but the first, which includes warm-up) and inference images/s.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const mf = require('../dist/kernel/engine/index.js');
const { trainClassifier, predictSplit } = require('../dist/kernel/engine/training/train.js');
const { resolveTraining } = require('../dist/kernel/engine/training/settings.js');

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '512' },
    batch: { type: 'string', default: '64' },
    epochs: { type: 'string', default: '2' },
    nets: { type: 'string', default: 'small_cnn,vgg,resnet18,mobilenet_v2' }
  }
});
const n = Number(values.images);
const backend = await mf.backend();
const data = await mf.datasets.load('pneumoniamnist');

/** The first n images of a split (evenly spaced), as float32 in [0, 1]. */
function split(s, count) {
  const size = 28 * 28;
  const src = s.images.data;
  const x = new Float32Array(count * size);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const i = Math.floor((k * s.length) / count);
    for (let p = 0; p < size; p++) x[k * size + p] = src[i * size + p] / 255;
    labels[k] = s.labels[i];
  }
  return { x, shape: [28, 28, 1], labels };
}
const train = split(data.train, n);
const val = split(data.val, 64);

for (const name of values.nets.split(',')) {
  const epochs = Number(values.epochs);
  const result = await trainClassifier({
    network: mf.networks.builtin(name, { classes: 2 }),
    settings: resolveTraining({ epochs, batch_size: Number(values.batch) }),
    seed: 1,
    classes: data.classes,
    positiveClass: data.positiveClass,
    train,
    val
  });
  const later = result.history.slice(1);
  const trainRate =
    later.length > 0
      ? later.reduce((a, h) => a + h.images_per_second, 0) / later.length
      : result.images_per_second;
  const t0 = performance.now();
  await predictSplit(result.model, train, 2, Number(values.batch));
  const inferRate = n / ((performance.now() - t0) / 1000);
  console.log(
    JSON.stringify({
      backend,
      network: name,
      params: result.model.countParams(),
      input: '28x28x1',
      batch_size: Number(values.batch),
      train_images_per_s: Math.round(trainRate * 10) / 10,
      inference_images_per_s: Math.round(inferRate)
    })
  );
  result.model.dispose();
}
