#!/usr/bin/env node
/**
 * PneumoniaMNIST quality run (issue 5, item 9): trains a built-in network with augmentation,
 * learning-rate decay and keep-best-epoch, and reports test accuracy and ROC AUC with the time.
 * Needs `npm run build:kernel`.
 *
 *   node bench/train-quality.mjs [--net small_cnn] [--filters 32] [--epochs 10] [--seed 42]
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const mf = require('../dist/kernel/engine/index.js');

const { values } = parseArgs({
  options: {
    net: { type: 'string', default: 'small_cnn' },
    filters: { type: 'string', default: '32' },
    epochs: { type: 'string', default: '10' },
    seed: { type: 'string', default: '42' }
  }
});
const backend = await mf.backend();
const data = await mf.datasets.load('pneumoniamnist');
const options = { classes: 2 };
if (values.net === 'small_cnn') options.filters = Number(values.filters);
const p = mf
  .pipeline({ name: 'pneumonia-quality', seed: Number(values.seed) })
  .input(data)
  .add('rescale')
  .network(mf.networks.builtin(values.net, options))
  .training({
    epochs: Number(values.epochs),
    batch_size: 64,
    learning_rate_decay: 0.1,
    class_weight: 'balanced',
    optimizer: { name: 'adam', lr: 2e-3 },
    augmentation: { rotation: 10, shift: 0.08 },
    keep_best: 'val_auc'
  });
const t0 = performance.now();
const run = await p.train({ verbose: false });
const seconds = (performance.now() - t0) / 1000;
console.log(
  JSON.stringify({
    backend,
    network: values.net,
    epochs: run.history.length,
    best_epoch: run.best_epoch,
    seconds: Math.round(seconds),
    val_auc: +run.metrics.val.auc.toFixed(4),
    test_accuracy: +run.metrics.test.accuracy.toFixed(4),
    test_auc: +run.metrics.test.auc.toFixed(4)
  })
);
