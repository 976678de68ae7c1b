/**
 * Per-channel sums over the positions of a channels-last batch for BatchNormalization's
 * training step (kernel/src/engine/backend/wasm/batch_norm_training.ts), in chunks of rows:
 * chunk k covers positions [k·perChunk, min((k + 1)·perChunk, positions)) and writes its own
 * partial sums, so threads can share the chunks; addChunksF32 then adds the partials in chunk
 * order. The chunks are fixed by the size, not by the threads: the same bits on any number of
 * threads. c must be a multiple of 4.
 */

/**
 * Partial Σ x (mean = 0) or Σ (x − mean)² (mean: c floats) of chunks [k0, k1) into
 * partials + k · c floats.
 */
export function channelChunksF32(
  x: usize,
  mean: usize,
  partials: usize,
  positions: i32,
  c: i32,
  perChunk: i32,
  k0: i32,
  k1: i32
): void {
  const row = (<usize>c) << 2;
  for (let k = k0; k < k1; k++) {
    const out = partials + <usize>k * row;
    memory.fill(out, 0, row);
    const end = min(positions, (k + 1) * perChunk);
    for (let p = k * perChunk; p < end; p++) {
      const at = x + <usize>p * row;
      if (mean == 0) {
        for (let ch: usize = 0; ch < row; ch += 16) {
          v128.store(out + ch, f32x4.add(v128.load(out + ch), v128.load(at + ch)));
        }
      } else {
        for (let ch: usize = 0; ch < row; ch += 16) {
          const d = f32x4.sub(v128.load(at + ch), v128.load(mean + ch));
          v128.store(out + ch, f32x4.add(v128.load(out + ch), f32x4.mul(d, d)));
        }
      }
    }
  }
}

/**
 * Partial Σ dy (first c floats) and Σ dy · (x − mean) (next c) of chunks [k0, k1) into
 * partials + k · 2c floats.
 */
export function channelGradChunksF32(
  dy: usize,
  x: usize,
  mean: usize,
  partials: usize,
  positions: i32,
  c: i32,
  perChunk: i32,
  k0: i32,
  k1: i32
): void {
  const row = (<usize>c) << 2;
  for (let k = k0; k < k1; k++) {
    const sums = partials + <usize>k * (row << 1);
    const xcSums = sums + row;
    memory.fill(sums, 0, row << 1);
    const end = min(positions, (k + 1) * perChunk);
    for (let p = k * perChunk; p < end; p++) {
      const at = <usize>p * row;
      for (let ch: usize = 0; ch < row; ch += 16) {
        const g = v128.load(dy + at + ch);
        const xc = f32x4.sub(v128.load(x + at + ch), v128.load(mean + ch));
        v128.store(sums + ch, f32x4.add(v128.load(sums + ch), g));
        v128.store(xcSums + ch, f32x4.add(v128.load(xcSums + ch), f32x4.mul(g, xc)));
      }
    }
  }
}

/** out[i] = (Σ_k partials[k · n + i], in chunk order) / divisor, for i < n (n a multiple of 4). */
export function addChunksF32(partials: usize, chunks: i32, n: i32, out: usize, divisor: f32): void {
  const bytes = (<usize>n) << 2;
  const d = f32x4.splat(divisor);
  for (let i: usize = 0; i < bytes; i += 16) {
    let sum = v128.load(partials + i);
    for (let k = 1; k < chunks; k++)
      sum = f32x4.add(sum, v128.load(partials + <usize>k * bytes + i));
    v128.store(out + i, f32x4.div(sum, d));
  }
}
