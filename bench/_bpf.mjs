import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { tf, ensureBackend } = require('../dist/kernel/engine/backend/index.js');
await ensureBackend('wasm');
const shapes = [[[32,64,64,1],16],[[32,32,32,16],32],[[32,16,16,32],64]];
for (const [xs, co] of shapes) {
  const x = tf.randomNormal(xs); const dy = tf.randomNormal([xs[0], xs[1], xs[2], co]);
  const f = () => tf.tidy(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, filterShape: [3, 3, xs[3], co] }));
  for (let i = 0; i < 3; i++) f().dispose();
  let best = 1e9; for (let r = 0; r < 5; r++) { const t0 = performance.now(); const o = f(); o.dataSync(); best = Math.min(best, performance.now() - t0); o.dispose(); }
  const macs = xs[0]*xs[1]*xs[2]*9*xs[3]*co;
  console.log(JSON.stringify(globalThis.TT)); globalThis.TT = {}; console.log(JSON.stringify(xs), co, best.toFixed(2), 'ms', (macs / best / 1e6).toFixed(1), 'G MAC/s');
  // the inner conv alone
}
const prof = await tf.profile(() => { const x = tf.randomNormal([32,32,32,16]); const dy = tf.randomNormal([32,32,32,32]); return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 1, filterShape: [3,3,16,32] }); });
for (const k of prof.kernels) console.log(k.name, (await k.kernelTimeMs).toFixed?.(2), JSON.stringify(k.inputShapes));

