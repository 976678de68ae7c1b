// medflow (tfjs wasm) against PyTorch CPU: the same CNN on the same bytes, side by side.
//
//   npm run bench:train        (= npm run build:kernel && node bench/train-compare.mjs)
//   node bench/train-compare.mjs [--seconds S] [--sizes 64,128] [--profile-steps N] [--threads T]
//
// For each size, bench/train-torch.py writes real PneumoniaMNIST images resized to size×size
// into one temp .npy; PyTorch (2 threads) and medflow read that same file. Model on both
// sides: 3 × (Conv 3×3 'same', no bias → BatchNorm → ReLU → MaxPool 2) with 16/32/64 filters,
// Flatten, Dense(2); Adam (lr 1e-3), softmax cross-entropy from logits, batch 32. Warm-up steps
// are excluded; each phase runs for at least S seconds (training) or S/2 (inference).
// Afterwards one tf.profile() over a few training steps shows where medflow's step time goes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBenchCnn } from './bench-cnn.mjs';

const require = createRequire(import.meta.url);
const { tf, ensureBackend } = require('../dist/kernel/engine/backend/index.js');
const { parseNpy } = require('../dist/kernel/engine/data/npy.js');
const { makeOptimizer, resolveOptimizer } = require('../dist/kernel/engine/training/optimizers.js');
const { InferenceRunner } = require('../dist/kernel/engine/networks/inference-tfjs.js');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = path.join(HERE, 'train-torch.py');
const BATCH = 32;
const COUNT = 64; // two batches, alternated, so that no step sees a cached identical input
const WARMUP = 3;
const MIN_STEPS = 5;

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const SECONDS = Number(option('--seconds', '8'));
const SIZES = option('--sizes', '64,128').split(',').map(Number);
const PROFILE_STEPS = Number(option('--profile-steps', '3'));
// Threads of both sides (default 2, the cores of the reference machine). With 1, a loaded
// machine skews the comparison less: no thread waits at a barrier for a descheduled peer.
const TORCH_THREADS = Number(option('--threads', '2'));
process.env.MEDFLOW_WASM_THREADS = String(TORCH_THREADS);

function buildModel(size) {
  return buildBenchCnn(tf, size);
}

/** Runs fn `WARMUP` times untimed, then until `seconds` and MIN_STEPS are both reached. */
function timed(fn, seconds) {
  for (let i = 0; i < WARMUP; i++) fn();
  let steps = 0;
  const t0 = performance.now();
  for (;;) {
    fn();
    steps++;
    const elapsed = (performance.now() - t0) / 1000;
    if (elapsed >= seconds && steps >= MIN_STEPS) return { steps, elapsed };
  }
}

function loadBatches(file) {
  const x = parseNpy(readFileSync(file), file);
  const y = parseNpy(readFileSync(`${file}.labels.npy`), `${file}.labels.npy`);
  const xs = tf.tensor(x.data, x.shape, 'float32');
  const ys = tf.oneHot(tf.tensor1d(Int32Array.from(y.data), 'int32'), 2);
  const batches = [];
  for (let i = 0; i + BATCH <= x.shape[0]; i += BATCH) {
    batches.push([xs.slice(i, BATCH), ys.slice(i, BATCH)]);
  }
  tf.dispose([xs, ys]);
  return batches;
}

/** medflow's training and inference throughput on the images in `file`, plus a profile. */
async function medflow(file, size) {
  tf.setRandom?.(0);
  const batches = loadBatches(file);
  const model = buildModel(size);
  // The optimizer medflow's training makes for { name: 'adam', lr: 1e-3 }.
  const optimizer = makeOptimizer(resolveOptimizer({ name: 'adam', lr: 1e-3 }));
  let i = 0;
  const trainStep = () => {
    const [x, y] = batches[i++ % batches.length];
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })),
      true
    );
    loss.dataSync(); // wait for the step, as torch's loss.item() does
    loss.dispose();
  };
  const t = timed(trainStep, SECONDS);
  const train = (t.steps * BATCH) / t.elapsed;
  // Inference as medflow's evaluation runs it: BatchNorm folded into the convolutions.
  const runner = new InferenceRunner(model);
  const inferStep = () => {
    const [x] = batches[i++ % batches.length];
    tf.tidy(() => runner.predict(x).dataSync());
  };
  const p = timed(inferStep, SECONDS / 2);
  const infer = (p.steps * BATCH) / p.elapsed;
  runner.dispose();
  const profile = await profileTraining(trainStep);
  tf.dispose(batches.flat());
  model.dispose();
  optimizer.dispose();
  return { train, trainSteps: t.steps, infer, inferSteps: p.steps, profile };
}

/** Kernel time per kernel name over PROFILE_STEPS training steps (tf.profile), plus wall time. */
async function profileTraining(trainStep) {
  const t0 = performance.now();
  const info = await tf.profile(() => {
    for (let s = 0; s < PROFILE_STEPS; s++) trainStep();
  });
  const wallMs = performance.now() - t0;
  const byKernel = new Map();
  for (const k of info.kernels) {
    // 'xxx__op' records are ops with a custom gradient (e.g. fusedConv2d__op); their time
    // already contains the kernels they run (FusedConv2D), so counting them would count twice.
    // 'unnamed scope' records are tf.customGrad ops (medflow's BatchNorm): likewise.
    if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
    const ms = await k.kernelTimeMs;
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += typeof ms === 'number' ? ms : 0;
    entry.calls++;
    byKernel.set(k.name, entry);
  }
  const kernelMs = [...byKernel.values()].reduce((sum, e) => sum + e.ms, 0);
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
  return { steps: PROFILE_STEPS, wallMs, kernelMs, rows };
}

// glibc's malloc hands each of PyTorch's large activation buffers (megabytes) back to the
// system when it is freed (mmap, or a trim of the heap's top), so the next batch's buffers are
// fresh pages that fault in on first touch. Whether that happens depends on the heap's layout,
// so PyTorch's inference swung 2-3x between runs of the same model (1,700 vs 5,200 images/s
// at 64x64 on one thread). Keeping freed memory in the heap gives its steady-state speed, the
// fair peer: these two glibc tunables only raise the thresholds.
const TORCH_MALLOC_ENV = {
  MALLOC_MMAP_THRESHOLD_: String(2 ** 31),
  MALLOC_TRIM_THRESHOLD_: String(2 ** 31)
};

function torch(file, channelsLast = false) {
  const out = execFileSync(
    PYTHON,
    [
      TORCH_SCRIPT,
      'run',
      '--data',
      file,
      '--threads',
      String(TORCH_THREADS),
      '--batch',
      String(BATCH),
      '--seconds',
      String(SECONDS),
      '--warmup',
      String(WARMUP),
      '--min-steps',
      String(MIN_STEPS),
      ...(channelsLast ? ['--channels-last'] : [])
    ],
    { encoding: 'utf8', env: { ...process.env, ...TORCH_MALLOC_ENV } }
  );
  return JSON.parse(out.trim().split('\n').pop());
}

const fmt = (v, width) => v.toFixed(1).padStart(width);

const loadBefore = loadavg().map(v => v.toFixed(2));
const backend = await ensureBackend('wasm');
const dir = mkdtempSync(path.join(tmpdir(), 'medflow-bench-train-'));
const results = [];
try {
  for (const size of SIZES) {
    const file = path.join(dir, `pneumonia-${size}.npy`);
    execFileSync(PYTHON, [
      TORCH_SCRIPT,
      'prepare',
      '--size',
      String(size),
      '--count',
      String(COUNT),
      '--out',
      file
    ]);
    // Sequential, never concurrent: each side gets the whole (2-core) machine.
    const t = torch(file);
    const tl = torch(file, true);
    const m = await medflow(file, size);
    results.push({ size, m, t, tl });
    console.log(
      `${size}×${size}: medflow ${m.trainSteps}+${m.inferSteps} steps, ` +
        `torch ${t.trainSteps}+${t.inferSteps} (NCHW) and ${tl.trainSteps}+${tl.inferSteps} ` +
        `(NHWC) steps (train+infer, after ${WARMUP} warm-up each)`
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const torchVersion = results[0]?.t.torch ?? '?';
// Both sides use 2 threads on what may be a 2-core machine: other load skews them (PyTorch's
// OpenMP threads far more than wasm's), so the load is printed with the numbers.
const load = loadavg().map(v => v.toFixed(2));
console.log(
  `\nmedflow: ${backend.label}; PyTorch ${torchVersion} CPU, ${TORCH_THREADS} threads; ` +
    `batch ${BATCH}, PneumoniaMNIST images resized; ` +
    `load average before ${loadBefore.join(' ')}, after ${load.join(' ')}\n`
);
console.log(
  'size     medflow train  torch train  ratio   medflow infer  torch infer  ratio\n' +
    '                 img/s        img/s                  img/s        img/s'
);
const row = (label, m, t) =>
  console.log(
    `${label.padEnd(7)} ${fmt(m.train, 14)} ${fmt(t.train, 12)} ` +
      `${(m.train / t.train).toFixed(2).padStart(6)}  ${fmt(m.infer, 14)} ${fmt(t.infer, 12)} ` +
      `${(m.infer / t.infer).toFixed(2).padStart(6)}`
  );
for (const { size, m, t } of results) row(`${size}×${size}`, m, t);
// PyTorch's default NCHW layout is the reference above; channels_last (NHWC) is the same
// model with oneDNN's preferred memory order, the best this torch build does.
console.log('torch with channels_last (NHWC) memory order:');
for (const { size, m, tl } of results) row(`${size}×${size}`, m, tl);

for (const { size, m } of results) {
  const { steps, wallMs, kernelMs, rows } = m.profile;
  console.log(
    `\nmedflow training step, ${size}×${size}: top 10 kernels over ${steps} steps ` +
      `(${(wallMs / steps).toFixed(1)} ms/step wall under tf.profile, ` +
      `${(kernelMs / steps).toFixed(1)} ms/step in kernels)`
  );
  console.log('  kernel                        calls/step   ms/step      %');
  for (const [name, e] of rows.slice(0, 10)) {
    console.log(
      `  ${name.padEnd(28)} ${String(e.calls / steps).padStart(11)} ${fmt(e.ms / steps, 9)} ` +
        `${fmt((100 * e.ms) / kernelMs, 6)}`
    );
  }
}
