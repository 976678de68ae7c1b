/**
 * Running the same computation on two tfjs backends in one process, for checking the wasm
 * kernels against the plain-JS cpu backend. Tensors belong to the backend that was active when
 * they were made, so inputs travel as plain arrays and each run makes its own tensors.
 */
import { tf } from '../tf';
import { ensureBackend } from '../select';
import type { BackendName } from '../types';

/** Deterministic pseudo-random numbers (mulberry32), uniform in [-1, 1). */
export function randomArray(size: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** Runs `fn` on backend `name` and returns the values of the tensors it returns. */
export async function runOn(
  name: BackendName,
  fn: () => tf.Tensor | tf.Tensor[]
): Promise<Float32Array[]> {
  await ensureBackend(name);
  const outs = tf.tidy(() => {
    const r = fn();
    return Array.isArray(r) ? r : [r];
  });
  const values = await Promise.all(outs.map(t => t.data() as Promise<Float32Array>));
  tf.dispose(outs);
  return values;
}

/** Largest |a - b| / (1 + |b|) over all elements: relative for large values, absolute near 0. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i]));
    if (Number.isNaN(d)) return Infinity;
    if (d > worst) worst = d;
  }
  return worst;
}

/** The worst `maxRelDiff` of `fn`'s outputs between wasm and cpu. */
export async function wasmVsCpu(fn: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const cpu = await runOn('cpu', fn);
  const wasm = await runOn('wasm', fn);
  return Math.max(...cpu.map((c, i) => maxRelDiff(wasm[i], c)));
}
