/**
 * The filter gradient of a 3×3, stride-1, 'same' convolution by Winograd's F(2×2, 3×3)
 * (kernel/src/engine/backend/wasm/conv2d_backprop_filter.ts), the counterpart of
 * ./winograd.ts's forward pass. The forward pass is, per tile and channel pair,
 * Y = Aᵀ [U ⊙ V] A with U = G g Gᵀ and V = Bᵀ d B; it is linear in U, so
 *   dU[ξ] (ci × co) = Σ_tiles V[ξ]ᵀ · E[ξ],   E = A dY Aᵀ (the 2×2 output gradient, 4×4),
 *   dg = Gᵀ dU G.
 * That is 16 products over the tiles instead of 9 over all output positions: 2.25× fewer
 * multiplications than the direct sum.
 *
 * The tiles are cut into chunks whose number does not depend on the threads; each chunk sums
 * into its own partial dU (winogradFilterGradChunksF32, shared between threads by chunk), and
 * winogradFilterGradFinishF32 adds the partials in chunk order and applies Gᵀ · G. So the
 * result is the same on any number of threads.
 */
import { BLOCK, inputTransform, xiBytes } from './winograd';

/**
 * Partial dU of chunks [k0, k1), output channels [o0, o1): chunk k covers tiles
 * [k·perChunk, min((k + 1)·perChunk, tiles)) and sums into partials + k · 16 · ci · co floats.
 * Threads share either the chunks (o0 = 0, o1 = co) or, with one chunk, the output channels
 * (o0, o1 multiples of 8 but for a last four): wide filters need no partial dU per chunk
 * then (16 chunks of 512 → 512 channels would be 268 MB). scratch: 16 · (BLOCK · (ci + co) +
 * 32) floats for this thread. x: n × h × w × ci; dy: n × h × w × co ('same': the output has
 * the input's size). ci and co multiples of 4.
 */
export function winogradFilterGradChunksF32(
  x: usize,
  dy: usize,
  partials: usize,
  scratch: usize,
  n: i32,
  h: i32,
  w: i32,
  ci: i32,
  co: i32,
  perChunk: i32,
  k0: i32,
  k1: i32,
  o0: i32,
  o1: i32
): void {
  const v = scratch;
  const vStride = xiBytes(BLOCK, (<usize>ci) << 2);
  const eStride = xiBytes(BLOCK, (<usize>co) << 2);
  const e = scratch + 16 * vStride;
  const tilesH = (h + 1) >> 1;
  const tilesW = (w + 1) >> 1;
  const tiles = n * tilesH * tilesW;
  const partialBytes = (<usize>(16 * ci * co)) << 2;
  for (let k = k0; k < k1; k++) {
    const acc = partials + <usize>k * partialBytes;
    // This part's columns of the partial's 16 · ci rows.
    for (let r = 0; r < 16 * ci; r++) {
      memory.fill(acc + ((<usize>(r * co + o0)) << 2), 0, (<usize>(o1 - o0)) << 2);
    }
    const end = min(tiles, (k + 1) * perChunk);
    for (let b0 = k * perChunk; b0 < end; b0 += BLOCK) {
      const count = min(BLOCK, end - b0);
      inputTransform(x, v, b0, count, h, w, ci, tilesH, tilesW, 1, 1, BLOCK);
      gradientTransform(dy, e, b0, count, h, w, co, tilesH, tilesW);
      for (let xi = 0; xi < 16; xi++) {
        const vXi = v + <usize>xi * vStride;
        const eXi = e + <usize>xi * eStride;
        const aXi = acc + ((<usize>(xi * ci * co)) << 2);
        accumulateProduct(vXi, eXi, aXi, ci, co, (count + 3) & ~3, o0, o1);
      }
    }
  }
}

/**
 * E[ξ][b][o] = (A dY Aᵀ) of the block's tiles b < count (the rows up to BLOCK are zeroed, as
 * in the input transform). dY outside the output (the last tile of an odd size) is 0.
 */
function gradientTransform(
  dy: usize,
  e: usize,
  b0: i32,
  count: i32,
  h: i32,
  w: i32,
  co: i32,
  tilesH: i32,
  tilesW: i32
): void {
  const pixel = (<usize>co) << 2;
  const xiStride = xiBytes(BLOCK, pixel);
  const zero = f32x4.splat(0);
  const perImage = tilesH * tilesW;
  const rowBytes = <usize>w * pixel;
  for (let b = 0; b < BLOCK; b++) {
    const at = e + <usize>b * pixel;
    if (b >= count) {
      for (let xi = 0; xi < 16; xi++) memory.fill(at + <usize>xi * xiStride, 0, pixel);
      continue;
    }
    const t = b0 + b;
    const image = t / perImage;
    const inImage = t - image * perImage;
    const ty = inImage / tilesW;
    const tx = inImage - ty * tilesW;
    const oy = 2 * ty;
    const ox = 2 * tx;
    const p00 = dy + (<usize>image * <usize>h + <usize>oy) * rowBytes + <usize>ox * pixel;
    const right = ox + 1 < w;
    const below = oy + 1 < h;
    for (let c: usize = 0; c < pixel; c += 16) {
      const d00 = v128.load(p00 + c);
      const d01 = right ? v128.load(p00 + pixel + c) : zero;
      const d10 = below ? v128.load(p00 + rowBytes + c) : zero;
      const d11 = right && below ? v128.load(p00 + rowBytes + pixel + c) : zero;
      // R = A dY (4 × 2): rows d0, d0 + d1, d0 − d1, −d1 of dY's two rows.
      const r00 = d00;
      const r01 = d01;
      const r10 = f32x4.add(d00, d10);
      const r11 = f32x4.add(d01, d11);
      const r20 = f32x4.sub(d00, d10);
      const r21 = f32x4.sub(d01, d11);
      const r30 = f32x4.neg(d10);
      const r31 = f32x4.neg(d11);
      // E = R Aᵀ: the same combination of each row's two columns.
      const o = at + c;
      storeRow(o, xiStride, 0, r00, r01);
      storeRow(o, xiStride, 1, r10, r11);
      storeRow(o, xiStride, 2, r20, r21);
      storeRow(o, xiStride, 3, r30, r31);
    }
  }
}

/** Row i of E from row i of R = (a, b): a, a + b, a − b, −b at ξ = 4i … 4i + 3. */
function storeRow(o: usize, xiStride: usize, i: i32, a: v128, b: v128): void {
  const row = o + <usize>(4 * i) * xiStride;
  v128.store(row, a);
  v128.store(row + xiStride, f32x4.add(a, b));
  v128.store(row + 2 * xiStride, f32x4.sub(a, b));
  v128.store(row + 3 * xiStride, f32x4.neg(b));
}

/**
 * Columns [o0, o1) of acc (ci × co) += vᵀ · e, v: rows × ci, e: rows × co: four rows (input
 * channels) by eight columns (output channels) in registers while the sum runs over the
 * block's tiles in order.
 */
function accumulateProduct(
  v: usize,
  e: usize,
  acc: usize,
  ci: i32,
  co: i32,
  rows: i32,
  o0: i32,
  o1: i32
): void {
  const vRow = (<usize>ci) << 2;
  const eRow = (<usize>co) << 2;
  const blockEnd = <usize>rows;
  const jEnd = (<usize>o1) << 2;
  for (let c = 0; c < ci; c += 4) {
    const a0 = acc + <usize>c * eRow;
    const vc = v + ((<usize>c) << 2);
    let j = (<usize>o0) << 2;
    for (; j + 32 <= jEnd; j += 32) {
      let s00 = v128.load(a0 + j);
      let s01 = v128.load(a0 + j, 16);
      let s10 = v128.load(a0 + eRow + j);
      let s11 = v128.load(a0 + eRow + j, 16);
      let s20 = v128.load(a0 + 2 * eRow + j);
      let s21 = v128.load(a0 + 2 * eRow + j, 16);
      let s30 = v128.load(a0 + 3 * eRow + j);
      let s31 = v128.load(a0 + 3 * eRow + j, 16);
      let vp = vc;
      let ep = e + j;
      for (let b: usize = 0; b < blockEnd; b++, vp += vRow, ep += eRow) {
        const e0 = v128.load(ep);
        const e1 = v128.load(ep, 16);
        let a = v128.load32_splat(vp);
        s00 = f32x4.add(s00, f32x4.mul(a, e0));
        s01 = f32x4.add(s01, f32x4.mul(a, e1));
        a = v128.load32_splat(vp, 4);
        s10 = f32x4.add(s10, f32x4.mul(a, e0));
        s11 = f32x4.add(s11, f32x4.mul(a, e1));
        a = v128.load32_splat(vp, 8);
        s20 = f32x4.add(s20, f32x4.mul(a, e0));
        s21 = f32x4.add(s21, f32x4.mul(a, e1));
        a = v128.load32_splat(vp, 12);
        s30 = f32x4.add(s30, f32x4.mul(a, e0));
        s31 = f32x4.add(s31, f32x4.mul(a, e1));
      }
      v128.store(a0 + j, s00);
      v128.store(a0 + j, s01, 16);
      v128.store(a0 + eRow + j, s10);
      v128.store(a0 + eRow + j, s11, 16);
      v128.store(a0 + 2 * eRow + j, s20);
      v128.store(a0 + 2 * eRow + j, s21, 16);
      v128.store(a0 + 3 * eRow + j, s30);
      v128.store(a0 + 3 * eRow + j, s31, 16);
    }
    if (j < jEnd) {
      // o1 − o0 ≡ 4 (mod 8): the last four columns.
      let s0 = v128.load(a0 + j);
      let s1 = v128.load(a0 + eRow + j);
      let s2 = v128.load(a0 + 2 * eRow + j);
      let s3 = v128.load(a0 + 3 * eRow + j);
      let vp = vc;
      let ep = e + j;
      for (let b: usize = 0; b < blockEnd; b++, vp += vRow, ep += eRow) {
        const e0 = v128.load(ep);
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(vp), e0));
        s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(vp, 4), e0));
        s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(vp, 8), e0));
        s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(vp, 12), e0));
      }
      v128.store(a0 + j, s0);
      v128.store(a0 + eRow + j, s1);
      v128.store(a0 + 2 * eRow + j, s2);
      v128.store(a0 + 3 * eRow + j, s3);
    }
  }
}

/**
 * dg [3, 3, ci, co] = Gᵀ (Σ_k partial k, in chunk order) G, G the 4 × 3 matrix of F(2×2, 3×3):
 * Gᵀ's rows are (1, ½, ½, 0), (0, ½, −½, 0), (0, ½, ½, 1). Four channel pairs at a time.
 */
export function winogradFilterGradFinishF32(
  partials: usize,
  chunks: i32,
  dg: usize,
  ci: i32,
  co: i32
): void {
  const pairBytes = (<usize>(ci * co)) << 2;
  const half = f32x4.splat(0.5);
  for (let p: usize = 0; p < pairBytes; p += 16) {
    // T = Gᵀ dU (3 × 4), column by column: rows u0 + ½(u1 + u2), ½(u1 − u2), ½(u1 + u2) + u3.
    let u0 = chunkSum(partials, chunks, pairBytes, 0, p);
    let u1 = chunkSum(partials, chunks, pairBytes, 4, p);
    let u2 = chunkSum(partials, chunks, pairBytes, 8, p);
    let u3 = chunkSum(partials, chunks, pairBytes, 12, p);
    let plus = f32x4.mul(half, f32x4.add(u1, u2));
    const t00 = f32x4.add(u0, plus);
    const t10 = f32x4.mul(half, f32x4.sub(u1, u2));
    const t20 = f32x4.add(plus, u3);
    u0 = chunkSum(partials, chunks, pairBytes, 1, p);
    u1 = chunkSum(partials, chunks, pairBytes, 5, p);
    u2 = chunkSum(partials, chunks, pairBytes, 9, p);
    u3 = chunkSum(partials, chunks, pairBytes, 13, p);
    plus = f32x4.mul(half, f32x4.add(u1, u2));
    const t01 = f32x4.add(u0, plus);
    const t11 = f32x4.mul(half, f32x4.sub(u1, u2));
    const t21 = f32x4.add(plus, u3);
    u0 = chunkSum(partials, chunks, pairBytes, 2, p);
    u1 = chunkSum(partials, chunks, pairBytes, 6, p);
    u2 = chunkSum(partials, chunks, pairBytes, 10, p);
    u3 = chunkSum(partials, chunks, pairBytes, 14, p);
    plus = f32x4.mul(half, f32x4.add(u1, u2));
    const t02 = f32x4.add(u0, plus);
    const t12 = f32x4.mul(half, f32x4.sub(u1, u2));
    const t22 = f32x4.add(plus, u3);
    u0 = chunkSum(partials, chunks, pairBytes, 3, p);
    u1 = chunkSum(partials, chunks, pairBytes, 7, p);
    u2 = chunkSum(partials, chunks, pairBytes, 11, p);
    u3 = chunkSum(partials, chunks, pairBytes, 15, p);
    plus = f32x4.mul(half, f32x4.add(u1, u2));
    const t03 = f32x4.add(u0, plus);
    const t13 = f32x4.mul(half, f32x4.sub(u1, u2));
    const t23 = f32x4.add(plus, u3);
    // dg = T G, row by row.
    storeGradRow(dg + p, pairBytes, 0, t00, t01, t02, t03, half);
    storeGradRow(dg + p, pairBytes, 1, t10, t11, t12, t13, half);
    storeGradRow(dg + p, pairBytes, 2, t20, t21, t22, t23, half);
  }
}

/** dU[ξ] for four pairs at byte offset p, summed over the chunks in order. */
function chunkSum(partials: usize, chunks: i32, pairBytes: usize, xi: i32, p: usize): v128 {
  let sum = f32x4.splat(0);
  const stride = pairBytes << 4;
  let at = partials + <usize>xi * pairBytes + p;
  for (let k = 0; k < chunks; k++, at += stride) sum = f32x4.add(sum, v128.load(at));
  return sum;
}

/** Row r of dg = T G from row r of T = (a, b, c, d): a + ½(b + c), ½(b − c), ½(b + c) + d. */
function storeGradRow(
  out: usize,
  pairBytes: usize,
  r: i32,
  a: v128,
  b: v128,
  c: v128,
  d: v128,
  half: v128
): void {
  const plus = f32x4.mul(half, f32x4.add(b, c));
  const row = out + <usize>(3 * r) * pairBytes;
  v128.store(row, f32x4.add(a, plus));
  v128.store(row + pairBytes, f32x4.mul(half, f32x4.sub(b, c)));
  v128.store(row + 2 * pairBytes, f32x4.add(plus, d));
}
