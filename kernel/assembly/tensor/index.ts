/**
 * medflow's SIMD kernels for tensors of tfjs's wasm backend. Unlike the image kernels, this
 * module imports the backend's own memory (its heap, shared between threads in the threaded
 * build), so it works on tensors where they live: no copies in or out. For that it must never
 * write memory it was not given: no data segments, no stack, no statics in memory (the build
 * checks the first; wasm-kernels' loader refuses a module with data).
 */

/**
 * The gradient of MaxPooling2D with disjoint, complete 2×2 windows over NHWC float32 tensors
 * (kernel/src/engine/backend/wasm/max_pool_grad.ts): each output's gradient goes to the first
 * position of its window, in row-major order, that holds the window's maximum; every other
 * input position gets 0. x and dx: (2 · outRows) × (2 · outWidth) × c; g: outRows × outWidth
 * × c (batch and rows folded into outRows). c must be a multiple of 4.
 */
export function maxPoolGrad2x2F32(
  x: usize,
  g: usize,
  dx: usize,
  outRows: i32,
  outWidth: i32,
  c: i32
): void {
  const pixel = (<usize>c) << 2;
  const row = pixel * <usize>(2 * outWidth);
  let gi = g;
  for (let r = 0; r < outRows; r++) {
    const top = <usize>(2 * r) * row;
    for (let ox = 0; ox < outWidth; ox++) {
      const i0 = top + <usize>(2 * ox) * pixel;
      const i1 = i0 + pixel;
      const i2 = i0 + row;
      const i3 = i2 + pixel;
      for (let ch: usize = 0; ch < pixel; ch += 16, gi += 16) {
        const a = v128.load(x + i0 + ch);
        const b = v128.load(x + i1 + ch);
        const d = v128.load(x + i2 + ch);
        const e = v128.load(x + i3 + ch);
        // Running maximum with strict comparisons, as the scalar loop: a later equal value
        // (or a NaN) never takes over.
        const takeB = f32x4.gt(b, a);
        const ab = v128.bitselect(b, a, takeB);
        const takeD = f32x4.gt(d, ab);
        const abd = v128.bitselect(d, ab, takeD);
        const takeE = f32x4.gt(e, abd);
        const v = v128.load(gi);
        // Lane masks of the winner: e if takeE, else d if takeD, else b if takeB, else a.
        const notE = v128.not(takeE);
        const winD = v128.and(takeD, notE);
        const notDE = v128.andnot(notE, takeD);
        const winB = v128.and(takeB, notDE);
        const winA = v128.andnot(notDE, takeB);
        v128.store(dx + i0 + ch, v128.and(v, winA));
        v128.store(dx + i1 + ch, v128.and(v, winB));
        v128.store(dx + i2 + ch, v128.and(v, winD));
        v128.store(dx + i3 + ch, v128.and(v, takeE));
      }
    }
  }
}

/**
 * dst[c][m][n] = src[n][m][c] for 32-bit values: the first and last axes of an n × m × c
 * tensor swapped (tfjs's Transpose with perm [r−1, 1, …, r−2, 0]; [1, 0] for a matrix), in
 * 4 × 4 blocks transposed in registers, the edges one value at a time.
 */
export function swapOuterInner32(src: usize, dst: usize, n: i32, m: i32, c: i32): void {
  const srcRow = (<usize>m * <usize>c) << 2; // one step of n in src
  const dstRow = (<usize>m * <usize>n) << 2; // one step of c in dst
  const n4 = n & ~3;
  const c4 = c & ~3;
  for (let i = 0; i < n4; i += 4) {
    const s0 = src + <usize>i * srcRow;
    const d0 = dst + ((<usize>i) << 2);
    for (let k = 0; k < m; k++) {
      const s = s0 + ((<usize>k * <usize>c) << 2);
      const d = d0 + ((<usize>k * <usize>n) << 2);
      for (let j = 0; j < c4; j += 4) {
        const at = (<usize>j) << 2;
        const r0 = v128.load(s + at);
        const r1 = v128.load(s + srcRow + at);
        const r2 = v128.load(s + 2 * srcRow + at);
        const r3 = v128.load(s + 3 * srcRow + at);
        const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const o = d + <usize>j * dstRow;
        v128.store(o, i64x2.shuffle(t0, t1, 0, 2));
        v128.store(o + dstRow, i64x2.shuffle(t0, t1, 1, 3));
        v128.store(o + 2 * dstRow, i64x2.shuffle(t2, t3, 0, 2));
        v128.store(o + 3 * dstRow, i64x2.shuffle(t2, t3, 1, 3));
      }
      for (let j = c4; j < c; j++) {
        for (let q = 0; q < 4; q++) {
          store<u32>(
            d + <usize>j * dstRow + ((<usize>q) << 2),
            load<u32>(s + <usize>q * srcRow + ((<usize>j) << 2))
          );
        }
      }
    }
  }
  for (let i = n4; i < n; i++) {
    for (let k = 0; k < m; k++) {
      for (let j = 0; j < c; j++) {
        store<u32>(
          dst + ((<usize>j * <usize>m + <usize>k) * <usize>n + <usize>i) * 4,
          load<u32>(src + ((<usize>i * <usize>m + <usize>k) * <usize>c + <usize>j) * 4)
        );
      }
    }
  }
}

/**
 * n floats from src to dst in vectors (the patch matrix's rows are a few dozen floats:
 * memory.copy's call costs more than the copy).
 */
function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    v128.store(dst + ((<usize>i) << 2), v128.load(src + ((<usize>i) << 2)));
  }
  for (; i < n; i++) store<f32>(dst + ((<usize>i) << 2), load<f32>(src + ((<usize>i) << 2)));
}

/** Floats [from, to) of row at dst set to 0. */
function zeros(dst: usize, from: i32, to: i32): void {
  for (let i = from; i < to; i++) store<f32>(dst + ((<usize>i) << 2), 0);
}

/** The output positions [lo, hi) whose input position o·stride + offset lies in [0, size). */
function validLo(offset: i32, stride: i32): i32 {
  return offset >= 0 ? 0 : (-offset + stride - 1) / stride;
}

function validHi(offset: i32, stride: i32, outSize: i32, size: i32): i32 {
  const last = size - 1 - offset;
  if (last < 0) return 0;
  const hi = last / stride + 1;
  return hi < outSize ? hi : outSize;
}

/**
 * im2colTransposed of kernel/src/engine/backend/wasm/im2col.ts (float32): for images
 * [n0, n0 + count) of x in [Ci, N, H, W] order, colT[r, p] with r = (i·fw + j)·Ci + c and
 * p = ((n − n0)·Ho + oy)·Wo + ox is x[c, n, oy·sh + i·dh − top, ox·sw + j·dw − left], or 0
 * outside the image. Stride-1 rows are one vector copy each.
 */
export function im2colTransposedF32(
  x: usize,
  colT: usize,
  batch: i32,
  h: i32,
  w: i32,
  ci: i32,
  ho: i32,
  wo: i32,
  fh: i32,
  fw: i32,
  sh: i32,
  sw: i32,
  dh: i32,
  dw: i32,
  top: i32,
  left: i32,
  n0: i32,
  count: i32
): void {
  const p = <usize>count * <usize>ho * <usize>wo;
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const colOffset = j * dw - left;
      const lo = min(validLo(colOffset, sw), wo);
      const hi = max(lo, validHi(colOffset, sw, wo, w));
      for (let c = 0; c < ci; c++) {
        const row = colT + ((<usize>((i * fw + j) * ci + c) * p) << 2);
        for (let n = 0; n < count; n++) {
          const plane = (<usize>c * <usize>batch + <usize>(n0 + n)) * <usize>h;
          for (let oy = 0; oy < ho; oy++) {
            const dst = row + ((<usize>((n * ho + oy) * wo)) << 2);
            const iy = oy * sh + i * dh - top;
            if (iy < 0 || iy >= h) {
              zeros(dst, 0, wo);
              continue;
            }
            const src = x + (((plane + <usize>iy) * <usize>w) << 2);
            zeros(dst, 0, lo);
            zeros(dst, hi, wo);
            if (sw == 1) {
              copyFloats(dst + ((<usize>lo) << 2), src + ((<usize>(lo + colOffset)) << 2), hi - lo);
            } else {
              for (let ox = lo; ox < hi; ox++) {
                store<f32>(
                  dst + ((<usize>ox) << 2),
                  load<f32>(src + ((<usize>(ox * sw + colOffset)) << 2))
                );
              }
            }
          }
        }
      }
    }
  }
}

/**
 * BatchNormalization's input gradient from those sums: dx = dy·k − (x − mean)·xcScale − shift,
 * per channel (k, xcScale and shift: c floats each; c a multiple of 4), in the order of
 * operations of the tfjs ops it replaces.
 */
export function batchNormDxF32(
  dy: usize,
  x: usize,
  mean: usize,
  k: usize,
  xcScale: usize,
  shift: usize,
  dx: usize,
  positions: i32,
  c: i32
): void {
  const row = (<usize>c) << 2;
  for (let p = 0; p < positions; p++) {
    const at = <usize>p * row;
    for (let ch: usize = 0; ch < row; ch += 16) {
      const xc = f32x4.sub(v128.load(x + at + ch), v128.load(mean + ch));
      const scaled = f32x4.mul(v128.load(dy + at + ch), v128.load(k + ch));
      const centred = f32x4.sub(scaled, f32x4.mul(xc, v128.load(xcScale + ch)));
      v128.store(dx + at + ch, f32x4.sub(centred, v128.load(shift + ch)));
    }
  }
}

/**
 * Rows [i0, i1) of c (m × n) = a (m × k) · b (k × n), all row-major float32, n a multiple of
 * 4: the filter gradient of a convolution, patch matrix times dy (conv2d_backprop_filter.ts),
 * where XNNPACK's matrix product would first repack all of b (k·n floats, every step: b is
 * new each time). Three rows of c by sixteen columns stay in registers while k runs through a
 * tile of b small enough to stay in cache; each sum runs over k in order, whatever the tiling
 * and however the rows are split between threads.
 */
export function gemmRowsF32(a: usize, b: usize, c: usize, k: i32, n: i32, i0: i32, i1: i32): void {
  const aRow = (<usize>k) << 2;
  const bRow = (<usize>n) << 2;
  // 256 rows of b: 32 KB for 32 columns.
  const tile: usize = 1024;
  for (let kt: usize = 0; kt < aRow; kt += tile) {
    const kEnd = min(aRow, kt + tile);
    const first = kt == 0;
    for (let i = i0; i < i1; i += 3) {
      const rows = min(3, i1 - i);
      const a0 = a + <usize>i * aRow;
      // Rows past i1 read row i again (their sums are not stored).
      const a1 = rows > 1 ? a0 + aRow : a0;
      const a2 = rows > 2 ? a0 + 2 * aRow : a0;
      const c0 = c + <usize>i * bRow;
      const c1 = rows > 1 ? c0 + bRow : c0;
      const c2 = rows > 2 ? c0 + 2 * bRow : c0;
      let j: usize = 0;
      for (; j + 64 <= bRow; j += 64) {
        const zero = f32x4.splat(0);
        let s00 = first ? zero : v128.load(c0 + j);
        let s01 = first ? zero : v128.load(c0 + j, 16);
        let s02 = first ? zero : v128.load(c0 + j, 32);
        let s03 = first ? zero : v128.load(c0 + j, 48);
        let s10 = first ? zero : v128.load(c1 + j);
        let s11 = first ? zero : v128.load(c1 + j, 16);
        let s12 = first ? zero : v128.load(c1 + j, 32);
        let s13 = first ? zero : v128.load(c1 + j, 48);
        let s20 = first ? zero : v128.load(c2 + j);
        let s21 = first ? zero : v128.load(c2 + j, 16);
        let s22 = first ? zero : v128.load(c2 + j, 32);
        let s23 = first ? zero : v128.load(c2 + j, 48);
        let bp = b + (kt >> 2) * bRow + j;
        for (let p = kt; p < kEnd; p += 4, bp += bRow) {
          const b0 = v128.load(bp);
          const b1 = v128.load(bp, 16);
          const b2 = v128.load(bp, 32);
          const b3 = v128.load(bp, 48);
          const x0 = v128.load32_splat(a0 + p);
          const x1 = v128.load32_splat(a1 + p);
          const x2 = v128.load32_splat(a2 + p);
          s00 = f32x4.add(s00, f32x4.mul(x0, b0));
          s01 = f32x4.add(s01, f32x4.mul(x0, b1));
          s02 = f32x4.add(s02, f32x4.mul(x0, b2));
          s03 = f32x4.add(s03, f32x4.mul(x0, b3));
          s10 = f32x4.add(s10, f32x4.mul(x1, b0));
          s11 = f32x4.add(s11, f32x4.mul(x1, b1));
          s12 = f32x4.add(s12, f32x4.mul(x1, b2));
          s13 = f32x4.add(s13, f32x4.mul(x1, b3));
          s20 = f32x4.add(s20, f32x4.mul(x2, b0));
          s21 = f32x4.add(s21, f32x4.mul(x2, b1));
          s22 = f32x4.add(s22, f32x4.mul(x2, b2));
          s23 = f32x4.add(s23, f32x4.mul(x2, b3));
        }
        if (rows > 2) storeRow4(c2 + j, s20, s21, s22, s23);
        if (rows > 1) storeRow4(c1 + j, s10, s11, s12, s13);
        storeRow4(c0 + j, s00, s01, s02, s03);
      }
      for (; j < bRow; j += 16) {
        const zero = f32x4.splat(0);
        let s0 = first ? zero : v128.load(c0 + j);
        let s1 = first ? zero : v128.load(c1 + j);
        let s2 = first ? zero : v128.load(c2 + j);
        let bp = b + (kt >> 2) * bRow + j;
        for (let p = kt; p < kEnd; p += 4, bp += bRow) {
          const bv = v128.load(bp);
          s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(a0 + p), bv));
          s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(a1 + p), bv));
          s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(a2 + p), bv));
        }
        if (rows > 2) v128.store(c2 + j, s2);
        if (rows > 1) v128.store(c1 + j, s1);
        v128.store(c0 + j, s0);
      }
    }
  }
}

function storeRow4(at: usize, s0: v128, s1: v128, s2: v128, s3: v128): void {
  v128.store(at, s0);
  v128.store(at, s1, 16);
  v128.store(at, s2, 32);
  v128.store(at, s3, 48);
}

/**
 * The gradient of ReLU (upper = +∞) and ReLU6 (upper = 6): dx = dy · s with s = 1 for
 * 0 < x ≤ upper, NaN for NaN, else 0 (tfjs's Step, times LessEqual for ReLU6), in one pass
 * over n floats (n a multiple of 4).
 */
export function reluGradF32(dy: usize, x: usize, dx: usize, n: i32, upper: f32): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  const top = f32x4.splat(upper);
  const bytes = (<usize>n) << 2;
  for (let i: usize = 0; i < bytes; i += 16) {
    const v = v128.load(x + i);
    const inside = v128.and(f32x4.gt(v, zero), f32x4.le(v, top));
    const step = v128.bitselect(one, zero, inside);
    // NaN inputs keep NaN (v + 0 is NaN exactly where v is).
    const nan = f32x4.ne(v, v);
    const s = v128.bitselect(f32x4.add(v, zero), step, nan);
    v128.store(dx + i, f32x4.mul(v128.load(dy + i), s));
  }
}

export { BLOCK, winogradFilterF32 } from './winograd';
export { BLOCK4, winograd4FilterF32 } from './winograd-f4';
export { winogradConv3x3F32 } from './winograd-conv';
export { winogradFilterGradChunksF32, winogradFilterGradFinishF32 } from './winograd-filter-grad';
export { fewChannelsConv3x3F32 } from './conv-few-channels';
export { addChunksF32, channelChunksF32, channelGradChunksF32 } from './channel-sums';
export { depthwiseFilterGradF32 } from './depthwise-filter-grad';
export { scatterPhaseF32 } from './phase-scatter';
