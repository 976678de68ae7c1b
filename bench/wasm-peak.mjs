// How fast can WebAssembly multiply-add on this CPU, and what does that allow the benchmark CNN?
//
//   node bench/wasm-peak.mjs [--torch-infer-64 4186.9] [--torch-infer-128 431.0]
//
// 1. The peak: a loop of eight independent float32x4 multiply-then-add chains (WebAssembly
//    SIMD has no fused multiply-add), compiled with AssemblyScript at run time, no memory
//    traffic. Multiply-adds per second on one thread: an upper bound for any convolution
//    kernel in WebAssembly, XNNPACK's included.
// 2. What the tfjs wasm backend reaches: the benchmark CNN's three convolutions (bench-cnn.mjs,
//    3×3, 16/32/64 filters) timed one by one on one thread, batch 32.
// 3. The bound: images/s of the CNN's convolutions alone at the peak, and the highest
//    inference ratio against PyTorch's images/s (one thread, bench/train-compare.md) that
//    direct convolution could reach here.
import asc from 'assemblyscript/asc';
import { createRequire } from 'node:module';

process.env.MEDFLOW_WASM_THREADS = '1';
const require = createRequire(import.meta.url);
const { tf, ensureBackend } = require('../dist/kernel/engine/backend/index.js');

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
// PyTorch 1.13 CPU, one thread, NCHW, the quiet rerun of bench/train-compare.md (04:01).
const torch = { 64: arg('--torch-infer-64', 4186.9), 128: arg('--torch-infer-128', 431.0) };

const chains = 8;
const source = `
export function run(n: i32, a: f32): f32 {
  ${Array.from({ length: chains }, (_, i) => `let x${i} = f32x4.splat(${i + 1}); let y${i} = f32x4.splat(0);`).join('\n  ')}
  const w = f32x4.splat(a);
  for (let i = 0; i < n; i++) {
    ${Array.from({ length: chains }, (_, i) => `y${i} = f32x4.add(y${i}, f32x4.mul(x${i}, w));`).join('\n    ')}
  }
  let s = y0;
  ${Array.from({ length: chains - 1 }, (_, i) => `s = f32x4.add(s, y${i + 1});`).join('\n  ')}
  return f32x4.extract_lane(s, 0);
}`;
const { binary, error, stderr } = await asc.compileString(source, {
  optimizeLevel: 3,
  runtime: 'stub',
  enable: ['simd'],
  noAssert: true
});
if (error) throw new Error(`asc: ${error.message}\n${stderr}`);
const { run } = new WebAssembly.Instance(new WebAssembly.Module(binary), {
  env: { abort() {} }
}).exports;

let peak = 0;
run(1e6, 0.999);
for (let k = 0; k < 5; k++) {
  const n = 5e7;
  const t0 = performance.now();
  run(n, 0.9999);
  peak = Math.max(peak, (n * chains * 4) / ((performance.now() - t0) / 1000));
}

await ensureBackend('wasm');
/** Multiply-adds of a same-padded 3×3 convolution, and the seconds one batch of it takes. */
function conv(size, cin, cout, batch = 32) {
  const x = tf.randomNormal([batch, size, size, cin]);
  const f = tf.randomNormal([3, 3, cin, cout]);
  // Not tf.tidy(() => ….dataSync()): tidy walks a returned typed array element by element.
  const once = () => {
    const y = tf.conv2d(x, f, 1, 'same');
    y.dataSync();
    y.dispose();
  };
  for (let i = 0; i < 3; i++) once();
  let best = Infinity;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    once();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  tf.dispose([x, f]);
  return { macs: batch * size * size * 9 * cin * cout, seconds: best };
}

const rows = [];
for (const size of [64, 128]) {
  const layers = [conv(size, 1, 16), conv(size / 2, 16, 32), conv(size / 4, 32, 64)];
  const macs = layers.reduce((s, l) => s + l.macs, 0) / 32;
  const seconds = layers.reduce((s, l) => s + l.seconds, 0) / 32;
  const bound = peak / macs;
  rows.push({
    size,
    macs,
    reached: macs / seconds,
    imagesAtReached: 1 / seconds,
    bound,
    torch: torch[size],
    ratioBound: bound / torch[size]
  });
}

const g = v => (v / 1e9).toFixed(1);
console.log(
  `WebAssembly SIMD peak, one thread: ${g(peak)} G multiply-adds/s (float32x4 mul + add)`
);
console.log(
  '\n| input | MACs per image (convolutions) | tfjs wasm conv, 1 thread: G MAC/s | images/s (convs only) | ' +
    'images/s at the peak | PyTorch infer, 1 thread | highest ratio at the peak |'
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.size}×${r.size} | ${(r.macs / 1e6).toFixed(2)} M | ${g(r.reached)} | ` +
      `${r.imagesAtReached.toFixed(0)} | ${r.bound.toFixed(0)} | ${r.torch} | ${r.ratioBound.toFixed(2)} |`
  );
}
