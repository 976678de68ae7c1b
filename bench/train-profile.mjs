// Where a medflow (wasm) training step and a predict of the benchmark CNN spend their time,
// per kernel, and a predict layer by layer.
//
//   npm run build:kernel && node bench/train-profile.mjs [--sizes 64,128] [--steps 3] [--batch 32]
//
// Same model and optimizer as bench/train-compare.mjs (bench/bench-cnn.mjs, medflow's Adam, softmax
// cross-entropy from logits), random inputs (time does not depend on the values). Prints the
// wall time of a plain step, then tf.profile's kernel time per kernel name over a few steps,
// and the share of the wall time spent outside kernels (tape, tidy, JS glue).
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { buildBenchCnn } from './bench-cnn.mjs';

const require = createRequire(import.meta.url);
const { tf, ensureBackend } = require('../dist/kernel/engine/backend/index.js');
const { makeOptimizer, resolveOptimizer } = require('../dist/kernel/engine/training/optimizers.js');
const { InferenceRunner } = require('../dist/kernel/engine/networks/inference-tfjs.js');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const SIZES = option('--sizes', '64,128').split(',').map(Number);
const STEPS = Number(option('--steps', '3'));
const BATCH = Number(option('--batch', '32'));
const TOP = Number(option('--top', '14'));

/** Prints tf.profile's kernel time per kernel name of `run` (STEPS runs of `wallMs` each). */
async function kernelTable(label, run, wallMs) {
  const info = await tf.profile(() => {
    for (let i = 0; i < STEPS; i++) run();
  });
  const byKernel = new Map();
  for (const k of info.kernels) {
    // Custom-gradient wrappers (fusedConv2d__op, tf.customGrad's 'unnamed scope'): their
    // kernels are listed on their own.
    if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
    const ms = await k.kernelTimeMs;
    const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += typeof ms === 'number' ? ms : 0;
    e.calls++;
    byKernel.set(k.name, e);
  }
  const kernelMs = [...byKernel.values()].reduce((s, e) => s + e.ms, 0) / STEPS;
  console.log(
    `  ${label}: kernels ${kernelMs.toFixed(1)} ms, outside kernels ` +
      `${(100 * (1 - kernelMs / wallMs)).toFixed(0)}%`
  );
  console.log('  kernel                        calls/run    ms/run    % of kernels');
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, TOP);
  for (const [name, e] of rows) {
    console.log(
      `  ${name.padEnd(28)} ${String(e.calls / STEPS).padStart(11)} ` +
        `${(e.ms / STEPS).toFixed(2).padStart(9)} ${((100 * e.ms) / STEPS / kernelMs).toFixed(1).padStart(8)}`
    );
  }
}

/**
 * Wall time of each layer's forward pass in inference, and the convolutions' multiply-adds per
 * second: where a predict's time goes, against the backend's peak (bench/wasm-peak.mjs).
 */
function layerTable(model, x) {
  console.log(`  ${'predict, layer by layer (unfolded)'.padEnd(40)}   ms/run   G multiply-adds/s`);
  let input = x;
  for (const layer of model.layers) {
    const forward = () => tf.tidy(() => void layer.apply(input));
    forward(); // warm-up: XNNPACK creates its operator for these weights
    const reps = Math.max(STEPS, 5);
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) forward();
    const ms = (performance.now() - t0) / reps;
    const out = layer.apply(input);
    let rate = '';
    if (layer.getClassName() === 'Conv2D') {
      const [b, h, w, cout] = out.shape;
      const [kh, kw, cin] = layer.getWeights()[0].shape;
      rate = ((b * h * w * kh * kw * cin * cout) / ms / 1e6).toFixed(1);
    }
    console.log(`  ${layer.name.padEnd(40)} ${ms.toFixed(2).padStart(8)} ${rate.padStart(10)}`);
    if (input !== x) input.dispose();
    input = out;
  }
  input.dispose();
}

async function profileSize(size) {
  tf.setRandom?.(0);
  const model = buildBenchCnn(tf, size);
  const optimizer = makeOptimizer(resolveOptimizer({ name: 'adam', lr: 1e-3 }));
  const x = tf.randomNormal([BATCH, size, size, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: BATCH }, (_, i) => i % 2)), 2);
  const step = () => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })),
      true
    );
    loss.dataSync();
    loss.dispose();
  };
  for (let i = 0; i < 3; i++) step(); // warm-up: XNNPACK operator caches, optimizer slots
  let t0 = performance.now();
  for (let i = 0; i < STEPS; i++) step();
  const stepMs = (performance.now() - t0) / STEPS;
  // Predict as medflow's evaluation runs it: BatchNorm folded into the convolutions.
  const runner = new InferenceRunner(model);
  const predict = () => tf.tidy(() => runner.predict(x).dataSync());
  predict();
  t0 = performance.now();
  for (let i = 0; i < STEPS; i++) predict();
  const inferMs = (performance.now() - t0) / STEPS;

  console.log(
    `\n${size}×${size}, batch ${BATCH}: ${stepMs.toFixed(1)} ms/step ` +
      `(${((BATCH * 1000) / stepMs).toFixed(1)} img/s train), predict ${inferMs.toFixed(1)} ms ` +
      `(${((BATCH * 1000) / inferMs).toFixed(1)} img/s)`
  );
  await kernelTable('training step', step, stepMs);
  await kernelTable('predict (folded)', predict, inferMs);
  runner.dispose();
  layerTable(model, x);
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
}

const backend = await ensureBackend('wasm');
console.log(
  `backend: ${backend.label}; load average ${loadavg()
    .map(v => v.toFixed(2))
    .join(' ')}`
);
for (const size of SIZES) await profileSize(size);
