import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { tf, ensureBackend } = require('../dist/kernel/engine/backend/index.js');
await ensureBackend('wasm');
for (const shape of [[32,32,32,32],[32,16,16,64],[32,64,64,16],[512, 300]]) {
  const x = tf.randomNormal(shape); const perm = shape.length === 2 ? [1, 0] : [3,1,2,0];
  const f = () => tf.transpose(x, perm);
  const ref = await tf.tidy(() => { const m = shape.length === 2 ? x : x; return f(); });
  for (let i = 0; i < 3; i++) f().dispose();
  let best = 1e9; for (let r = 0; r < 9; r++) { const t0 = performance.now(); const o = f(); best = Math.min(best, performance.now() - t0); o.dispose(); }
  console.log(JSON.stringify(shape), best.toFixed(2), 'ms');
}
