/**
 * Kernels for BatchNormalization's training step (networks/batch-norm-tfjs.ts) on wasm. The
 * statistics in two read-only passes where the tfjs ops take four (mean, x − mean, square,
 * mean), and the gradient in two passes where they take eight (x − mean, two products, two
 * sums, three broadcast updates):
 *   MedflowChannelMoments (x) → [2, c]: mean and biased variance per channel;
 *   MedflowChannelSums (dy, x, mean) → [2, c]: Σ dy and Σ dy·(x − mean) per channel;
 *   MedflowBatchNormDx (dy, x, mean, k, xcScale, shift) → dx = dy·k − (x − mean)·xcScale − shift.
 * Channels-last float32 tensors; the SIMD tensor kernels run them in place where c is a
 * multiple of 4, on all of the backend's threads, a plain loop over the heap otherwise. The
 * SIMD sums run over CHUNKS fixed runs of positions whose partial sums are then added in
 * order: the same bits on any number of threads.
 */
import { tf } from '../tf';
import type { BackendWasm, KernelArgs, TensorInfo } from './util';
import { heapF32, ownKernel } from './util';
import { heapAddress, tensorKernels } from './tensor-kernels';
import { MIN_SPLIT_FLOATS, runSplit } from './kernel-threads';

export const CHANNEL_MOMENTS = 'MedflowChannelMoments';
export const CHANNEL_SUMS = 'MedflowChannelSums';
export const BATCH_NORM_DX = 'MedflowBatchNormDx';

/** Runs of positions the SIMD sums are cut into (fewer for small batches). */
const CHUNKS = 8;

/** Channels (the last axis) and positions (everything else) of a channels-last tensor. */
function layout(t: TensorInfo): { c: number; positions: number } {
  const c = t.shape[t.shape.length - 1];
  return { c, positions: tf.util.sizeFromShape(t.shape) / c };
}

/**
 * Floats from which the sums are shared between threads. Measured (batch 32, two threads):
 * 16 × 16 × 64 (0.5 M floats) 0.14 → 0.18 ms for the moments, slower for the hand-overs;
 * 32 × 32 × 32 (1 M) 0.29 → 0.26 ms; 64 × 64 × 16 (2 M) 0.78 → 0.50 ms.
 */
const SHARED_FLOATS = 1 << 20;

/**
 * The chunks of the SIMD sums, and the fewest of them a thread should take: a batch too small
 * to be worth a hand-over stays on one thread (same chunks, same bits).
 */
function chunking(positions: number, c: number) {
  const perChunk = Math.max(1, Math.ceil(positions / CHUNKS));
  const chunks = Math.max(1, Math.ceil(positions / perChunk));
  const minPart = positions * c >= SHARED_FLOATS ? 1 : chunks;
  return { chunks, perChunk, minPart };
}

function channelMoments({ inputs, backend: b }: KernelArgs): TensorInfo {
  const backend = b as BackendWasm;
  const { x } = inputs as { x: TensorInfo };
  const { c, positions } = layout(x);
  const out = backend.makeOutput([2, c], 'float32');
  const simd = tensorKernels(backend);
  if (simd && c % 4 === 0) {
    const { chunks, perChunk, minPart } = chunking(positions, c);
    const scratch = backend.makeOutput([chunks * c], 'float32');
    const [xa, oa, sa] = [x, out, scratch].map(t => heapAddress(backend, t));
    runSplit(
      backend,
      chunks,
      (k0, k1) => ({
        kernel: 'channelChunksF32',
        args: [xa, 0, sa, positions, c, perChunk, k0, k1]
      }),
      1,
      minPart
    );
    simd.addChunksF32(sa, chunks, c, oa, positions);
    runSplit(
      backend,
      chunks,
      (k0, k1) => ({
        kernel: 'channelChunksF32',
        args: [xa, oa, sa, positions, c, perChunk, k0, k1]
      }),
      1,
      minPart
    );
    simd.addChunksF32(sa, chunks, c, oa + 4 * c, positions);
    backend.disposeData(scratch.dataId);
    return out;
  }
  const [xs, stats] = [x, out].map(t => heapF32(backend, t));
  stats.fill(0);
  for (let p = 0, at = 0; p < positions; p++) {
    for (let ch = 0; ch < c; ch++, at++) stats[ch] += xs[at];
  }
  for (let ch = 0; ch < c; ch++) stats[ch] /= positions;
  for (let p = 0, at = 0; p < positions; p++) {
    for (let ch = 0; ch < c; ch++, at++) {
      const d = Math.fround(xs[at] - stats[ch]);
      stats[c + ch] += Math.fround(d * d);
    }
  }
  for (let ch = 0; ch < c; ch++) stats[c + ch] /= positions;
  return out;
}

function channelSums({ inputs, backend: b }: KernelArgs): TensorInfo {
  const backend = b as BackendWasm;
  const { dy, x, mean } = inputs as { dy: TensorInfo; x: TensorInfo; mean: TensorInfo };
  const { c, positions } = layout(dy);
  const out = backend.makeOutput([2, c], 'float32');
  const simd = tensorKernels(backend);
  if (simd && c % 4 === 0) {
    const { chunks, perChunk, minPart } = chunking(positions, c);
    const scratch = backend.makeOutput([chunks * 2 * c], 'float32');
    const [g, xs, m, o, sa] = [dy, x, mean, out, scratch].map(t => heapAddress(backend, t));
    runSplit(
      backend,
      chunks,
      (k0, k1) => ({
        kernel: 'channelGradChunksF32',
        args: [g, xs, m, sa, positions, c, perChunk, k0, k1]
      }),
      1,
      minPart
    );
    simd.addChunksF32(sa, chunks, 2 * c, o, 1);
    backend.disposeData(scratch.dataId);
    return out;
  }
  const [g, xs, m, sums] = [dy, x, mean, out].map(t => heapF32(backend, t));
  sums.fill(0);
  for (let p = 0, at = 0; p < positions; p++) {
    for (let ch = 0; ch < c; ch++, at++) {
      sums[ch] += g[at];
      sums[c + ch] += g[at] * (xs[at] - m[ch]);
    }
  }
  return out;
}

function batchNormDx({ inputs, backend: b }: KernelArgs): TensorInfo {
  const backend = b as BackendWasm;
  const { dy, x, mean, k, xcScale, shift } = inputs as Record<string, TensorInfo>;
  const { c, positions } = layout(dy);
  const out = backend.makeOutput(dy.shape, 'float32');
  const simd = tensorKernels(backend);
  const all = [dy, x, mean, k, xcScale, shift, out];
  if (simd && c % 4 === 0) {
    const [g, xs, m, ks, scale, sh, o] = all.map(t => heapAddress(backend, t));
    const row = 4 * c;
    runSplit(
      backend,
      positions,
      (lo, hi) => ({
        kernel: 'batchNormDxF32',
        args: [g + row * lo, xs + row * lo, m, ks, scale, sh, o + row * lo, hi - lo, c]
      }),
      1,
      Math.ceil(MIN_SPLIT_FLOATS / c)
    );
    return out;
  }
  const [g, xs, m, ks, scale, sh, dx] = all.map(t => heapF32(backend, t));
  for (let p = 0, at = 0; p < positions; p++) {
    for (let ch = 0; ch < c; ch++, at++) {
      dx[at] = Math.fround(g[at] * ks[ch]) - Math.fround(Math.fround(xs[at] - m[ch]) * scale[ch]);
      dx[at] -= sh[ch];
    }
  }
  return out;
}

export const channelMomentsConfig = ownKernel(CHANNEL_MOMENTS, channelMoments);

export const channelSumsConfig = ownKernel(CHANNEL_SUMS, channelSums);

export const batchNormDxConfig = ownKernel(BATCH_NORM_DX, batchNormDx);
