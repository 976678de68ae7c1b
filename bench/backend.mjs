// Training and inference throughput of a small CNN on the engine's compute backends.
//
//   npx tsc -p kernel/tsconfig.json && node bench/backend.mjs [--profile] [--steps N]
//
// Model: 3 × (Conv 3×3 'same' → BatchNorm → ReLU → MaxPool 2) with 16/32/64 filters, then
// Dense(2); Adam, softmax cross-entropy from logits, batch 32, random data (throughput only).
// The cpu backend (plain JS) runs the same model on the smallest input, as a peer.
import { createRequire } from 'node:module';
import { buildBenchCnn } from './bench-cnn.mjs';

const require = createRequire(import.meta.url);
const { tf, ensureBackend } = require('../dist/kernel/engine/backend/index.js');

const args = process.argv.slice(2);
const profile = args.includes('--profile');
const stepsArg = args.indexOf('--steps');
const STEPS = stepsArg >= 0 ? Number(args[stepsArg + 1]) : 6;
const BATCH = 32;

function buildModel(size) {
  return buildBenchCnn(tf, size);
}

async function measure(size, batch, steps) {
  tf.setRandom?.(0);
  const model = buildModel(size);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, size, size, 1], 0, 1, 'float32', 1);
  const y = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 2),
      'int32'
    ),
    2
  );
  const step = () => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })),
      true
    );
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  };
  step(); // warm-up: kernel setup, XNNPACK operator caches
  if (profile) {
    const info = await tf.profile(step);
    const byKernel = new Map();
    for (const k of info.kernels) {
      const t = await k.kernelTimeMs;
      byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (typeof t === 'number' ? t : 0));
    }
    const rows = [...byKernel].sort((a, b) => b[1] - a[1]).slice(0, 15);
    console.log(`profile of one training step, ${size}×${size}, batch ${batch}:`);
    for (const [name, ms] of rows) console.log(`  ${name.padEnd(28)} ${ms.toFixed(1)} ms`);
  }
  let t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const train = (steps * batch) / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    tf.tidy(() => model.predict(x).dataSync());
  }
  const infer = (steps * batch) / ((performance.now() - t0) / 1000);
  tf.dispose([x, y]);
  model.dispose();
  optimizer.dispose();
  return { train, infer };
}

const rows = [];
const wasm = await ensureBackend('wasm');
for (const size of [28, 64]) {
  const r = await measure(size, BATCH, STEPS);
  rows.push([wasm.label, `${size}×${size}`, BATCH, r.train, r.infer]);
}
const cpu = await ensureBackend('cpu');
const rc = await measure(28, 8, 2);
rows.push([cpu.label, '28×28', 8, rc.train, rc.infer]);

console.log('\nbackend                      input   batch  train img/s  infer img/s');
for (const [label, input, batch, train, infer] of rows) {
  console.log(
    `${label.padEnd(28)} ${input.padEnd(7)} ${String(batch).padStart(5)}` +
      `  ${train.toFixed(1).padStart(11)}  ${infer.toFixed(1).padStart(11)}`
  );
}
