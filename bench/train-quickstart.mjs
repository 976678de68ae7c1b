#!/usr/bin/env node
/**
 * Times the quickstart notebook's training (PneumoniaMNIST → rescale → resize → small CNN) on
 * the backend the engine picks, and reports training images/s. Needs `npm run build:kernel`.
 *
 *   node bench/train-quickstart.mjs [--size 32] [--epochs 6] [--batch 64] [--filters 16] [--blocks 3]
 *                                 [--class-weight balanced|none] [--seed 42]
 *
 * Defaults: the notebook's pipeline (Adam 2e-3 with 10%/epoch decay, keep the best epoch by
 * validation AUC).
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const mf = require('../dist/kernel/engine/index.js');

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '32' },
    epochs: { type: 'string', default: '6' },
    batch: { type: 'string', default: '64' },
    filters: { type: 'string', default: '16' },
    blocks: { type: 'string', default: '3' },
    seed: { type: 'string', default: '42' },
    'class-weight': { type: 'string', default: 'balanced' }
  }
});
const size = Number(values.size);

const t0 = performance.now();
const backend = await mf.backend();
const data = await mf.datasets.load('pneumoniamnist');
const p = mf
  .pipeline({ name: 'pneumonia', seed: Number(values.seed) })
  .input(data)
  .add('rescale')
  .add('resize', { height: size, width: size })
  .network(
    mf.networks.builtin('small_cnn', {
      classes: 2,
      filters: Number(values.filters),
      blocks: Number(values.blocks)
    })
  )
  .training({
    epochs: Number(values.epochs),
    batch_size: Number(values.batch),
    class_weight: values['class-weight'],
    optimizer: { name: 'adam', lr: 2e-3 },
    learning_rate_decay: 0.1,
    keep_best: 'val_auc'
  });
const t1 = performance.now();
const run = await p.train();
const t2 = performance.now();
console.log(
  JSON.stringify({
    backend,
    size,
    epochs: run.history.length,
    batch_size: Number(values.batch),
    setup_s: +((t1 - t0) / 1000).toFixed(2),
    preprocessing_s: +run.preprocessing_seconds.toFixed(2),
    train_s: +run.seconds.toFixed(2),
    total_train_call_s: +((t2 - t1) / 1000).toFixed(2),
    train_images_per_s: Math.round(run.images_per_second),
    val_accuracy: +run.metrics.val.accuracy.toFixed(4),
    val_sensitivity: +run.metrics.val.sensitivity.toFixed(4),
    val_specificity: +run.metrics.val.specificity.toFixed(4),
    test_accuracy: +run.metrics.test.accuracy.toFixed(4),
    test_auc: +run.metrics.test.auc.toFixed(4)
  })
);
