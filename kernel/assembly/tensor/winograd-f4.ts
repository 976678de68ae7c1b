/**
 * A 3×3, stride-1 convolution of NHWC float32 tensors by Winograd's F(4×4, 3×3)
 * (kernel/src/engine/backend/wasm/winograd_conv.ts picks it over ./winograd.ts's F(2×2, 3×3)
 * where the output is at least 4×4): each 4×4 block of outputs (a tile) comes from the 6×6
 * block of inputs under it with 36 multiplications per input and output channel pair instead
 * of 144, against F(2×2)'s 64 for the same 16 outputs. The products are most of the work
 * (./winograd.ts's blockProduct runs near the CPU's multiply-add peak), so this is about 1.4×
 * faster per layer; the transforms cost about the same per output in both.
 *
 * The same three steps as ./winograd.ts with Lavin & Gray's matrices for the points 0, ±1, ±2:
 *   Y = Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A,  d 6×6, g 3×3, Y 4×4,
 * ξ = 6i + j over the 6×6 transform. The entries of G (¼, ⅙, 1/12, 1/24) and Aᵀ (up to 8)
 * make the rounding larger than F(2×2)'s: about 1e-6 of the output's scale with 64 input
 * channels, in float32.
 *
 * Both transforms go through the block's scratch in two passes (rows, then columns, in
 * place), so that no more than six input and six output vectors are live: 36 would spill.
 * ./winograd-conv.ts runs them with ./winograd.ts's products. ci and co must be multiples of 4.
 */
import { activate, colAt, filterRowFloats, loadOrZero, rowAt, xiBytes } from './winograd';

/** Tiles per block: a block's V and M (36 · (BLOCK4 · (ci + co) + 32) floats) stay in cache. */
export const BLOCK4: i32 = 8;

/**
 * U = G g Gᵀ (36 × ci × co, ξ = 6i + j) of the 3×3 filters of a convolution from ci to co
 * channels, four output channels per vector. g: [3, 3, ci, co]; or, if turned, [3, 3, co, ci]
 * used turned by 180° with its channel axes swapped (the filter of a 'same' convolution's input
 * gradient).
 */
export function winograd4FilterF32(g: usize, u: usize, ci: i32, co: i32, turned: bool): void {
  const pairs = <usize>(ci * co);
  const stride = filterRowFloats(ci, co) << 2; // bytes between U[ξ] and U[ξ + 1]
  for (let c = 0; c < ci; c++) {
    for (let o = 0; o < co; o += 4) {
      // P = G g (6 × 3), then each row of P times Gᵀ.
      const out = u + ((<usize>(c * co + o)) << 2);
      for (let s = 0; s < 3; s++) {
        const g0 = taps(g, pairs, ci, co, c, o, 0, s, turned);
        const g1 = taps(g, pairs, ci, co, c, o, 1, s, turned);
        const g2 = taps(g, pairs, ci, co, c, o, 2, s, turned);
        // Column s of P, stored in U's column s of each row for now (rows 0…5).
        const sum = f32x4.add(g0, g2);
        const quarter = f32x4.splat(0.25);
        const sixth = f32x4.splat(1.0 / 6.0);
        const p0 = f32x4.mul(g0, quarter);
        const p1 = f32x4.mul(f32x4.add(sum, g1), f32x4.neg(sixth));
        const p2 = f32x4.mul(f32x4.sub(sum, g1), f32x4.neg(sixth));
        const even = f32x4.add(f32x4.mul(g0, f32x4.splat(1.0 / 24.0)), f32x4.mul(g2, sixth));
        const odd = f32x4.mul(g1, f32x4.splat(1.0 / 12.0));
        const col = out + <usize>s * stride;
        v128.store(col, p0);
        v128.store(col + 6 * stride, p1);
        v128.store(col + 12 * stride, p2);
        v128.store(col + 18 * stride, f32x4.add(even, odd));
        v128.store(col + 24 * stride, f32x4.sub(even, odd));
        v128.store(col + 30 * stride, g2);
      }
      for (let i = 0; i < 6; i++) {
        const row = out + <usize>(6 * i) * stride;
        filterRow4(
          row,
          stride,
          v128.load(row),
          v128.load(row + stride),
          v128.load(row + 2 * stride)
        );
      }
    }
  }
}

/**
 * Taps (r, s) of the filter pairs (c, o … o + 3), as one vector (see winograd4FilterF32 for
 * `turned`: there the four output channels are ci apart).
 */
function taps(
  g: usize,
  pairs: usize,
  ci: i32,
  co: i32,
  c: i32,
  o: i32,
  r: i32,
  s: i32,
  turned: bool
): v128 {
  if (!turned) return v128.load(g + ((<usize>(r * 3 + s) * pairs + <usize>(c * co + o)) << 2));
  const k = g + ((<usize>((2 - r) * 3 + (2 - s)) * pairs + <usize>(o * ci + c)) << 2);
  const step = (<usize>ci) << 2;
  let v = f32x4.splat(load<f32>(k));
  v = f32x4.replace_lane(v, 1, load<f32>(k + step));
  v = f32x4.replace_lane(v, 2, load<f32>(k + 2 * step));
  return f32x4.replace_lane(v, 3, load<f32>(k + 3 * step));
}

/** Row (a, b, c) of P times Gᵀ, stored at ξ = 6i … 6i + 5 from `row`. */
function filterRow4(row: usize, stride: usize, a: v128, b: v128, c: v128): void {
  const sum = f32x4.add(a, c);
  const sixth = f32x4.splat(-1.0 / 6.0);
  const even = f32x4.add(
    f32x4.mul(a, f32x4.splat(1.0 / 24.0)),
    f32x4.mul(c, f32x4.splat(1.0 / 6.0))
  );
  const odd = f32x4.mul(b, f32x4.splat(1.0 / 12.0));
  v128.store(row, f32x4.mul(a, f32x4.splat(0.25)));
  v128.store(row + stride, f32x4.mul(f32x4.add(sum, b), sixth));
  v128.store(row + 2 * stride, f32x4.mul(f32x4.sub(sum, b), sixth));
  v128.store(row + 3 * stride, f32x4.add(even, odd));
  v128.store(row + 4 * stride, f32x4.sub(even, odd));
  v128.store(row + 5 * stride, c);
}

/**
 * V[ξ][b][c] = (Bᵀ d B) for the block's tiles b < count, the rows to the next multiple of four
 * zeroed (as ./winograd.ts's inputTransform). First W = d B row by row into V's slots, then
 * Bᵀ W column by column in place.
 */
export function inputTransform4(
  x: usize,
  v: usize,
  b0: i32,
  count: i32,
  h: i32,
  w: i32,
  ci: i32,
  tilesH: i32,
  tilesW: i32,
  padTop: i32,
  padLeft: i32,
  block: i32
): void {
  const pixel = (<usize>ci) << 2;
  const xiStride = xiBytes(block, pixel); // bytes between V[ξ] and V[ξ + 1]
  const zero = f32x4.splat(0);
  const perImage = tilesH * tilesW;
  const rowBytes = <isize>w * <isize>pixel;
  const rows = (count + 3) & ~3;
  for (let b = 0; b < rows; b++) {
    const at = v + <usize>b * pixel;
    if (b >= count) {
      for (let xi = 0; xi < 36; xi++) memory.fill(at + <usize>xi * xiStride, 0, pixel);
      continue;
    }
    const t = b0 + b;
    const image = t / perImage;
    const inImage = t - image * perImage;
    const ty = inImage / tilesW;
    const tx = inImage - ty * tilesW;
    const top = 4 * ty - padTop;
    const left = 4 * tx - padLeft;
    const base = <isize>x + <isize>image * <isize>h * rowBytes;
    const q0 = colAt(left, w, pixel);
    const q1 = colAt(left + 1, w, pixel);
    const q2 = colAt(left + 2, w, pixel);
    const q3 = colAt(left + 3, w, pixel);
    const q4 = colAt(left + 4, w, pixel);
    const q5 = colAt(left + 5, w, pixel);
    for (let i = 0; i < 6; i++) {
      const r = rowAt(top + i, h, base, rowBytes);
      const o = at + <usize>(6 * i) * xiStride;
      for (let c: usize = 0; c < pixel; c += 16) {
        transform6(
          o + c,
          xiStride,
          loadOrZero(r, q0, c, zero),
          loadOrZero(r, q1, c, zero),
          loadOrZero(r, q2, c, zero),
          loadOrZero(r, q3, c, zero),
          loadOrZero(r, q4, c, zero),
          loadOrZero(r, q5, c, zero)
        );
      }
    }
    const column = <usize>6 * xiStride; // between V[i][j] and V[i + 1][j]
    for (let j = 0; j < 6; j++) {
      const o = at + <usize>j * xiStride;
      for (let c: usize = 0; c < pixel; c += 16) {
        const p = o + c;
        transform6InPlace(p, column);
      }
    }
  }
}

/** Bᵀ applied to the six vectors at p, p + step, … p + 5 · step, in place. */
function transform6InPlace(p: usize, step: usize): void {
  const d0 = v128.load(p);
  const d1 = v128.load(p + step);
  const d2 = v128.load(p + 2 * step);
  const d3 = v128.load(p + 3 * step);
  const d4 = v128.load(p + 4 * step);
  transform6(p, step, d0, d1, d2, d3, d4, v128.load(p + 5 * step));
}

/** Bᵀ (d0 … d5), stored at `at`, at + step, … at + 5 · step. */
function transform6(
  at: usize,
  step: usize,
  d0: v128,
  d1: v128,
  d2: v128,
  d3: v128,
  d4: v128,
  d5: v128
): void {
  const four = f32x4.splat(4);
  const five = f32x4.splat(5);
  const two = f32x4.splat(2);
  const plus = f32x4.add(d4, d3);
  const minus = f32x4.sub(d4, d3);
  const d42 = f32x4.sub(d4, d2);
  const d31 = f32x4.mul(f32x4.sub(d3, d1), two);
  v128.store(at, f32x4.add(f32x4.sub(f32x4.mul(d0, four), f32x4.mul(d2, five)), d4));
  v128.store(at + step, f32x4.sub(plus, f32x4.mul(f32x4.add(d1, d2), four)));
  v128.store(at + 2 * step, f32x4.add(minus, f32x4.mul(f32x4.sub(d1, d2), four)));
  v128.store(at + 3 * step, f32x4.add(d42, d31));
  v128.store(at + 4 * step, f32x4.sub(d42, d31));
  v128.store(at + 5 * step, f32x4.add(f32x4.sub(f32x4.mul(d1, four), f32x4.mul(d3, five)), d5));
}

/**
 * Y = Aᵀ M A + bias, activated, for the block's tiles (outputs past ho or wo are not written);
 * with `pool`, each of a tile's four 2×2 windows' maximum instead. First Z = Aᵀ M column by
 * column into M's rows 0…3, in place, then Z A row by row.
 */
export function outputTransform4(
  m: usize,
  bias: usize,
  y: usize,
  b0: i32,
  count: i32,
  co: i32,
  ho: i32,
  wo: i32,
  tilesH: i32,
  tilesW: i32,
  activation: i32,
  pool: bool,
  block: i32
): void {
  const pixel = (<usize>co) << 2;
  const xiStride = xiBytes(block, pixel);
  const column = <usize>6 * xiStride;
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  const perImage = tilesH * tilesW;
  // Pooled output: 'valid' pooling drops a last odd row/column.
  const ph = ho >> 1;
  const pw = wo >> 1;
  const rowBytes = <usize>wo * pixel;
  const pooledRowBytes = <usize>pw * pixel;
  for (let b = 0; b < count; b++) {
    const t = b0 + b;
    const image = t / perImage;
    const inImage = t - image * perImage;
    const ty = inImage / tilesW;
    const tx = inImage - ty * tilesW;
    const at = m + <usize>b * pixel;
    for (let j = 0; j < 6; j++) {
      const o = at + <usize>j * xiStride;
      for (let c: usize = 0; c < pixel; c += 16) {
        const p = o + c;
        inverse6InPlace(p, column);
      }
    }
    // Row r of Z A goes to scratch row r's ξ slots 0…3 (Aᵀ applied to the row), then out.
    for (let r = 0; r < 4; r++) {
      const o = at + <usize>(6 * r) * xiStride;
      for (let c: usize = 0; c < pixel; c += 16) {
        const p = o + c;
        inverse6InPlace(p, xiStride);
      }
    }
    // Y[r][s] is now at ξ = 6r + s.
    if (pool) {
      for (let i = 0; i < 2; i++) {
        const py = 2 * ty + i;
        if (py >= ph) break;
        for (let jj = 0; jj < 2; jj++) {
          const px = 2 * tx + jj;
          if (px >= pw) break;
          const out = y + <usize>(image * ph + py) * pooledRowBytes + <usize>px * pixel;
          const y00 = at + <usize>(12 * i + 2 * jj) * xiStride;
          for (let c: usize = 0; c < pixel; c += 16) {
            const p = y00 + c;
            const top = f32x4.max(v128.load(p), v128.load(p + xiStride));
            const bottom = f32x4.max(v128.load(p + column), v128.load(p + column + xiStride));
            const most = f32x4.add(f32x4.max(top, bottom), v128.load(bias + c));
            v128.store(out + c, activate(most, activation, zero, six));
          }
        }
      }
      continue;
    }
    const oy = 4 * ty;
    const ox = 4 * tx;
    const rows = min(4, ho - oy);
    const cols = min(4, wo - ox);
    for (let r = 0; r < rows; r++) {
      const outRow =
        y + (<usize>image * <usize>ho + <usize>(oy + r)) * rowBytes + <usize>ox * pixel;
      for (let s = 0; s < cols; s++) {
        const src = at + <usize>(6 * r + s) * xiStride;
        const out = outRow + <usize>s * pixel;
        for (let c: usize = 0; c < pixel; c += 16) {
          const value = f32x4.add(v128.load(src + c), v128.load(bias + c));
          v128.store(out + c, activate(value, activation, zero, six));
        }
      }
    }
  }
}

/** Aᵀ applied to the six vectors at p, p + step, … p + 5 · step: four values, in place. */
function inverse6InPlace(p: usize, step: usize): void {
  const m0 = v128.load(p);
  const m1 = v128.load(p + step);
  const m2 = v128.load(p + 2 * step);
  const m3 = v128.load(p + 3 * step);
  const m4 = v128.load(p + 4 * step);
  inverse6(p, step, m0, m1, m2, m3, m4, v128.load(p + 5 * step));
}

/** Aᵀ (m0 … m5): four values stored at `at`, at + step, at + 2 · step, at + 3 · step. */
function inverse6(
  at: usize,
  step: usize,
  m0: v128,
  m1: v128,
  m2: v128,
  m3: v128,
  m4: v128,
  m5: v128
): void {
  const a = f32x4.add(m1, m2);
  const b = f32x4.sub(m1, m2);
  const c = f32x4.add(m3, m4);
  const d = f32x4.sub(m3, m4);
  v128.store(at, f32x4.add(f32x4.add(m0, a), c));
  v128.store(at + step, f32x4.add(b, f32x4.mul(d, f32x4.splat(2))));
  v128.store(at + 2 * step, f32x4.add(a, f32x4.mul(c, f32x4.splat(4))));
  v128.store(at + 3 * step, f32x4.add(f32x4.add(b, f32x4.mul(d, f32x4.splat(8))), m5));
}
