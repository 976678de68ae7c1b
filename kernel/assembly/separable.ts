/**
 * Separable correlation of one-channel u8 / u16 images with integer weights, in exact integer
 * arithmetic, then division by the kernel's scale, a power of two: the Gaussian blur's
 * fixed-point kernels (OpenCV's bit-exact cv2.GaussianBlur: weights over 2^8 for u8, 2^16 for
 * u16, rounded half up) and the small dyadic ones; and box blurs by running sums (all weights
 * 1, divided by the odd count, rounded half to even as cv2.blur), with
 * reflect_101 borders or replicated ones (cv2.adaptiveThreshold's local mean). The values
 * equal the engine's float64 separableFilter, whose sums of these weights are exact. Rows
 * need at least 4 pixels.
 */

import { borderAt } from './borders';
import { load4, step } from './lanes';

/** Stores the four i32 lanes of v (each within T's range) as T at p. */
function store4<T>(p: usize, v: v128): void {
  const halves = i16x8.narrow_i32x4_u(v, v);
  if (sizeof<T>() == 1) v128.store32_lane(p, i8x16.narrow_i16x8_u(halves, halves), 0);
  else v128.store64_lane(p, halves, 0);
}

/**
 * Each weight splat over four i32 lanes at `lanes` (16-byte aligned), followed by `taps`
 * pointers for the source rows of the output row at hand. Returns `lanes`.
 */
function splatWeights(lanes: usize, weights: usize, taps: i32): usize {
  for (let t = 0; t < taps; t++) {
    v128.store(lanes + ((<usize>t) << 4), i32x4.splat(load<i32>(weights + ((<usize>t) << 2))));
  }
  return lanes;
}

/**
 * The vertical pass of one output row y: line[r + x] = Σ weight[t] · src[border(y + t − r), x]
 * as u32 (the caller keeps max · Σ weights below 2^32), then the r values on each side of the
 * line extrapolated by `border`, ready for the horizontal pass.
 */
function columnSums<T>(
  src: usize,
  line: usize,
  lanes: usize,
  rows: usize,
  y: i32,
  h: i32,
  w: i32,
  taps: i32,
  border: i32
): void {
  const size = <usize>sizeof<T>();
  const r = taps >> 1;
  for (let t = 0; t < taps; t++) {
    store<usize>(
      rows + ((<usize>t) << 2),
      src + <usize>(borderAt(y + t - r, h, border) * w) * size
    );
  }
  const out = line + ((<usize>r) << 2);
  for (let i = 0; i < w; i += 4) {
    const x = step(i, w, 4);
    let acc = i32x4.splat(0);
    for (let t = 0; t < taps; t++) {
      const v = load4<T>(load<usize>(rows + ((<usize>t) << 2)) + <usize>x * size);
      acc = i32x4.add(acc, i32x4.mul(v, v128.load(lanes + ((<usize>t) << 4))));
    }
    v128.store(out + ((<usize>x) << 2), acc);
  }
  for (let i = 0; i < r; i++) {
    store<u32>(
      line + ((<usize>i) << 2),
      load<u32>(out + ((<usize>borderAt(i - r, w, border)) << 2))
    );
    store<u32>(
      line + ((<usize>(r + w + i)) << 2),
      load<u32>(out + ((<usize>borderAt(w + i, w, border)) << 2))
    );
  }
}

/**
 * Sums of rows × weights, row by row: the vertical pass into `line` (w + taps u32 values,
 * which stay in the cache), then the horizontal pass into dst. `scratch` holds 20 bytes per
 * tap, 16-byte aligned. The result is sum / 2^shift rounded half up with `halfUp`, else half
 * to even.
 */
function separableOf<T>(
  src: usize,
  dst: usize,
  line: usize,
  scratch: usize,
  h: i32,
  w: i32,
  weights: usize,
  taps: i32,
  shift: i32,
  border: i32,
  halfUp: bool
): void {
  const size = <usize>sizeof<T>();
  const lanes = splatWeights(scratch, weights, taps);
  const rows = lanes + ((<usize>taps) << 4);
  const half = shift > 0 ? (1 << (shift - 1)) - (halfUp ? 0 : 1) : 0;
  for (let y = 0; y < h; y++) {
    columnSums<T>(src, line, lanes, rows, y, h, w, taps, border);
    const to = dst + <usize>(y * w) * size;
    for (let i = 0; i < w; i += 4) {
      const x = step(i, w, 4);
      const at = line + ((<usize>x) << 2);
      let acc = i32x4.splat(0);
      for (let t = 0; t < taps; t++) {
        const v = v128.load(at + ((<usize>t) << 2));
        acc = i32x4.add(acc, i32x4.mul(v, v128.load(lanes + ((<usize>t) << 4))));
      }
      // Half to even: (s + 2^(shift−1) − 1 + odd(s >> shift)) >> shift.
      let bias = i32x4.splat(half);
      if (!halfUp) bias = i32x4.add(bias, v128.and(i32x4.shr_u(acc, shift), i32x4.splat(1)));
      const q = i32x4.shr_u(i32x4.add(acc, bias), shift);
      store4<T>(to + <usize>x * size, q);
    }
  }
}

/**
 * separableOf for u16 images whose sums need more than 32 bits (OpenCV's Gaussian weights
 * over 2^16: up to 65535 · 2^32), still in 32-bit lanes, for symmetric weights whose sum is
 * 2^(shift/2), 17 <= shift <= 32, rounded half up. Two facts keep every lane below 2^32:
 * - taps at the same distance from the centre share a weight of at most half the sum, so
 *   the vertical pass adds their two values (< 2^17) before one multiplication;
 * - the horizontal pass splits each vertical sum v (< 2^32) into v >> 16 and v & 0xffff, two
 *   planes of the line, and sums each times the weights (each below 65535 · 2^16). With
 *   S = A · 2^16 + B the exact sum, (S + 2^(shift−1)) >> shift equals
 *   (A + 2^(shift−17) + (B >> 16)) >> (shift − 16), which stays below 2^32 too.
 * This replaced 64-bit lanes (two products per vector instead of four): 512² image, 9 taps,
 * 777 → 652 µs.
 */
function separableSplitU16(
  src: usize,
  dst: usize,
  line: usize,
  scratch: usize,
  h: i32,
  w: i32,
  weights: usize,
  taps: i32,
  shift: i32,
  border: i32
): void {
  const lanes = splatWeights(scratch, weights, taps);
  const rows = lanes + ((<usize>taps) << 4);
  const r = taps >> 1;
  const high = line;
  const low = line + ((<usize>(w + taps)) << 2);
  const centre = v128.load(lanes + ((<usize>r) << 4));
  const bias = i32x4.splat(1 << (shift - 17));
  const mask = i32x4.splat(0xffff);
  for (let y = 0; y < h; y++) {
    for (let t = 0; t < taps; t++) {
      store<usize>(
        rows + ((<usize>t) << 2),
        src + ((<usize>(borderAt(y + t - r, h, border) * w)) << 1)
      );
    }
    const middle = load<usize>(rows + ((<usize>r) << 2));
    for (let i = 0; i < w; i += 4) {
      const x = <usize>step(i, w, 4);
      let acc = i32x4.mul(v128.load16x4_u(middle + (x << 1)), centre);
      for (let t = 0; t < r; t++) {
        const a = v128.load16x4_u(load<usize>(rows + ((<usize>t) << 2)) + (x << 1));
        const b = v128.load16x4_u(load<usize>(rows + ((<usize>(taps - 1 - t)) << 2)) + (x << 1));
        acc = i32x4.add(acc, i32x4.mul(i32x4.add(a, b), v128.load(lanes + ((<usize>t) << 4))));
      }
      const at = (x + <usize>r) << 2;
      v128.store(high + at, i32x4.shr_u(acc, 16));
      v128.store(low + at, v128.and(acc, mask));
    }
    for (let i = 0; i < r; i++) {
      const left = (<usize>(r + borderAt(i - r, w, border))) << 2;
      const right = (<usize>(r + borderAt(w + i, w, border))) << 2;
      store<u32>(high + ((<usize>i) << 2), load<u32>(high + left));
      store<u32>(low + ((<usize>i) << 2), load<u32>(low + left));
      store<u32>(high + ((<usize>(r + w + i)) << 2), load<u32>(high + right));
      store<u32>(low + ((<usize>(r + w + i)) << 2), load<u32>(low + right));
    }
    const to = dst + ((<usize>(y * w)) << 1);
    for (let i = 0; i < w; i += 4) {
      const x = (<usize>step(i, w, 4)) << 2;
      const hx = high + x;
      const lx = low + x;
      const c = (<usize>r) << 2;
      let a = i32x4.mul(v128.load(hx + c), centre);
      let b = i32x4.mul(v128.load(lx + c), centre);
      for (let t = 0; t < r; t++) {
        const wt = v128.load(lanes + ((<usize>t) << 4));
        const near = (<usize>t) << 2;
        const far = (<usize>(taps - 1 - t)) << 2;
        a = i32x4.add(a, i32x4.mul(i32x4.add(v128.load(hx + near), v128.load(hx + far)), wt));
        b = i32x4.add(b, i32x4.mul(i32x4.add(v128.load(lx + near), v128.load(lx + far)), wt));
      }
      const q = i32x4.shr_u(i32x4.add(i32x4.add(a, bias), i32x4.shr_u(b, 16)), shift - 16);
      store4<u16>(to + (x >> 1), q);
    }
  }
}

/**
 * The horizontal pass of separableNarrowU8 when its sums need 32 bits: 8 outputs of the u16
 * `line` (padded) times the 16-bit weights at `lanes`, widened per tap, divided by 2^shift
 * (rounded half up or half to even) and stored as u8 at `to`.
 */
function rowSumsWideU8(
  line: usize,
  to: usize,
  lanes: usize,
  w: i32,
  taps: i32,
  shift: i32,
  halfUp: bool
): void {
  const half = i32x4.splat((1 << (shift - 1)) - (halfUp ? 0 : 1));
  const one = i32x4.splat(1);
  for (let i = 0; i < w; i += 8) {
    const x = step(i, w, 8);
    const at = line + ((<usize>x) << 1);
    let lo = i32x4.splat(0);
    let hi = i32x4.splat(0);
    for (let t = 0; t < taps; t++) {
      const v = v128.load(at + ((<usize>t) << 1));
      const wt = v128.load(lanes + ((<usize>t) << 4));
      lo = i32x4.add(lo, i32x4.extmul_low_i16x8_u(v, wt));
      hi = i32x4.add(hi, i32x4.extmul_high_i16x8_u(v, wt));
    }
    let biasLo = half;
    let biasHi = half;
    if (!halfUp) {
      biasLo = i32x4.add(half, v128.and(i32x4.shr_u(lo, shift), one));
      biasHi = i32x4.add(half, v128.and(i32x4.shr_u(hi, shift), one));
    }
    const q = i16x8.narrow_i32x4_u(
      i32x4.shr_u(i32x4.add(lo, biasLo), shift),
      i32x4.shr_u(i32x4.add(hi, biasHi), shift)
    );
    v128.store64_lane(to + <usize>x, i8x16.narrow_i16x8_u(q, q), 0);
  }
}

/**
 * separable for u8 images with symmetric kernels whose vertical sums stay below 2^16
 * (max · scale ≤ 65535; the caller checks): 16-bit lanes instead of 32-bit ones, and the two
 * taps of each symmetric pair summed before one multiply. Each output row sums its source rows
 * first (into `line`, padded by reflection), then along the row, so the intermediate values
 * never leave the cache. The horizontal pass stays in 16-bit lanes where the whole sum fits
 * (max · scale² ≤ 65535: the 3- and 5-tap Gaussians), else (`wide`: OpenCV's
 * Gaussian weights over 2^8) widens to 32 bits, dividing by 2^shift. `line` is scratch:
 * (w + taps) u16 values, then 20 bytes per tap, 16-byte aligned.
 */
function separableNarrowU8(
  src: usize,
  dst: usize,
  line: usize,
  h: i32,
  w: i32,
  weights: usize,
  taps: i32,
  shift: i32,
  border: i32,
  halfUp: bool,
  wide: bool
): void {
  const r = taps >> 1;
  const halfValue: i32 = shift > 0 ? (1 << (shift - 1)) - (halfUp ? 0 : 1) : 0;
  const half = i16x8.splat(<i16>halfValue);
  const one = i16x8.splat(1);
  // Scratch after the line: each weight splat over eight lanes, and each tap's source row.
  const lanes = (line + ((<usize>(w + taps)) << 1) + 15) & ~15;
  const rows = lanes + ((<usize>taps) << 4);
  for (let t = 0; t < taps; t++) {
    v128.store(lanes + ((<usize>t) << 4), i16x8.splat(<i16>load<i32>(weights + ((<usize>t) << 2))));
  }
  for (let y = 0; y < h; y++) {
    // Vertical: line[r + x] = Σ weight[t] · src[reflect(y + t − r), x].
    for (let t = 0; t < taps; t++) {
      store<usize>(rows + ((<usize>t) << 2), src + <usize>(borderAt(y + t - r, h, border) * w));
    }
    // Sixteen columns per step (two accumulators); kernels are symmetric, so the rows at
    // t and taps − 1 − t are added before their shared weight multiplies them.
    for (let i = 0; i < w; i += 16) {
      const x = <usize>step(i, w, 16);
      const centre = v128.load(load<usize>(rows + ((<usize>r) << 2)) + x);
      const wc = v128.load(lanes + ((<usize>r) << 4));
      let lo = i16x8.mul(i16x8.extend_low_i8x16_u(centre), wc);
      let hi = i16x8.mul(i16x8.extend_high_i8x16_u(centre), wc);
      for (let t = 0; t < r; t++) {
        const a = v128.load(load<usize>(rows + ((<usize>t) << 2)) + x);
        const b = v128.load(load<usize>(rows + ((<usize>(taps - 1 - t)) << 2)) + x);
        const wt = v128.load(lanes + ((<usize>t) << 4));
        lo = i16x8.add(
          lo,
          i16x8.mul(
            i16x8.extadd_pairwise_i8x16_u(
              i8x16.shuffle(a, b, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23)
            ),
            wt
          )
        );
        hi = i16x8.add(
          hi,
          i16x8.mul(
            i16x8.extadd_pairwise_i8x16_u(
              i8x16.shuffle(a, b, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31)
            ),
            wt
          )
        );
      }
      v128.store(line + ((<usize>r + x) << 1), lo);
      v128.store(line + ((<usize>r + x) << 1), hi, 16);
    }
    for (let i = 0; i < r; i++) {
      store<u16>(
        line + ((<usize>i) << 1),
        load<u16>(line + ((<usize>(r + borderAt(i - r, w, border))) << 1))
      );
      store<u16>(
        line + ((<usize>(r + w + i)) << 1),
        load<u16>(line + ((<usize>(r + borderAt(w + i, w, border))) << 1))
      );
    }
    // Horizontal, then round and store.
    const to = dst + <usize>(y * w);
    if (wide) {
      rowSumsWideU8(line, to, lanes, w, taps, shift, halfUp);
      continue;
    }
    for (let i = 0; i < w; i += 8) {
      const x = step(i, w, 8);
      const at = line + ((<usize>x) << 1);
      let acc = i16x8.mul(v128.load(at + ((<usize>r) << 1)), v128.load(lanes + ((<usize>r) << 4)));
      for (let t = 0; t < r; t++) {
        const pair = i16x8.add(
          v128.load(at + ((<usize>t) << 1)),
          v128.load(at + ((<usize>(taps - 1 - t)) << 1))
        );
        acc = i16x8.add(acc, i16x8.mul(pair, v128.load(lanes + ((<usize>t) << 4))));
      }
      let bias = half;
      if (!halfUp) bias = i16x8.add(bias, v128.and(i16x8.shr_u(acc, shift), one));
      const q = i16x8.shr_u(i16x8.add(acc, bias), shift);
      v128.store64_lane(to + <usize>x, i8x16.narrow_i16x8_u(q, q), 0);
    }
  }
}

export function separableU8Narrow(
  src: usize,
  dst: usize,
  line: usize,
  h: i32,
  w: i32,
  weights: usize,
  taps: i32,
  shift: i32,
  border: i32,
  halfUp: bool,
  wide: bool
): void {
  separableNarrowU8(src, dst, line, h, w, weights, taps, shift, border, halfUp, wide);
}

/** separable for u8 (size 1) or u16 (size 2) values. */
export function separable(
  size: i32,
  src: usize,
  dst: usize,
  line: usize,
  scratch: usize,
  h: i32,
  w: i32,
  weights: usize,
  taps: i32,
  shift: i32,
  border: i32,
  halfUp: bool
): void {
  if (size == 1) {
    separableOf<u8>(src, dst, line, scratch, h, w, weights, taps, shift, border, halfUp);
  } else {
    separableOf<u16>(src, dst, line, scratch, h, w, weights, taps, shift, border, halfUp);
  }
}

/** separableSplitU16: u16 values, sums up to 2^48, divided by 2^shift rounding half up. */
export function separableU16Wide(
  src: usize,
  dst: usize,
  line: usize,
  scratch: usize,
  h: i32,
  w: i32,
  weights: usize,
  taps: i32,
  shift: i32,
  border: i32
): void {
  separableSplitU16(src, dst, line, scratch, h, w, weights, taps, shift, border);
}

/**
 * cv2.adaptiveThreshold's comparison on u8 images: dst = fg where src − mean > −delta (or, with
 * invert, src − mean ≤ −delta), else 0, for n pixels.
 */
export function adaptiveThresholdU8(
  src: usize,
  mean: usize,
  dst: usize,
  n: i32,
  delta: i32,
  fg: i32,
  invert: bool
): void {
  const limit = i16x8.splat(<i16>-delta);
  const on = i8x16.splat(<i8>fg);
  for (let i = 0; i < n; i += 16) {
    const at = <usize>step(i, n, 16);
    const a = v128.load(src + at);
    const m = v128.load(mean + at);
    const lo = i16x8.sub(i16x8.extend_low_i8x16_u(a), i16x8.extend_low_i8x16_u(m));
    const hi = i16x8.sub(i16x8.extend_high_i8x16_u(a), i16x8.extend_high_i8x16_u(m));
    let above = i8x16.narrow_i16x8_s(i16x8.gt_s(lo, limit), i16x8.gt_s(hi, limit));
    if (invert) above = v128.not(above);
    v128.store(dst + at, v128.and(above, on));
  }
}

/**
 * Box sums (all weights 1, an odd number k of taps) of one-channel u8 / u16 images by running
 * sums, whatever k: per output row the column sums move down by adding the row that enters and
 * subtracting the row that leaves; along the row, the window sums are differences of prefix
 * sums (in wrapping u32 arithmetic, exact since each window sum stays below 2^32). The sum is
 * then multiplied by `inverse` (1 / k²) in float64 lanes and rounded half to even: the
 * quotient is never within 1 / (2k²) of a half, far more than float64's error.
 * `line` is scratch for 2 · (w + k) + 4 u32 values.
 */
function boxOf<T>(
  src: usize,
  dst: usize,
  line: usize,
  h: i32,
  w: i32,
  k: i32,
  border: i32,
  inverse: f64
): void {
  const size = <usize>sizeof<T>();
  const r = k >> 1;
  const columns = line; // w u32: sums of the k rows around y
  const prefix = line + ((<usize>(w + 4)) << 2); // w + k + 1 u32 over the padded row
  const factor = f64x2.splat(inverse);
  for (let x = 0; x < w; x++) store<u32>(columns + ((<usize>x) << 2), 0);
  for (let t = -r; t <= r; t++)
    addRow<T>(columns, src + <usize>(borderAt(t, h, border) * w) * size, w);
  for (let y = 0; y < h; y++) {
    prefixSums(columns, prefix, w, r, border);
    const out = dst + <usize>(y * w) * size;
    let x = 0;
    for (; x + 4 <= w; x += 4) {
      const at = prefix + ((<usize>x) << 2);
      const sum = i32x4.sub(v128.load(at + ((<usize>k) << 2)), v128.load(at));
      const lo = f64x2.nearest(f64x2.mul(f64x2.convert_low_i32x4_u(sum), factor));
      const hi = f64x2.nearest(
        f64x2.mul(
          f64x2.convert_low_i32x4_u(
            i8x16.shuffle(sum, sum, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15)
          ),
          factor
        )
      );
      const q = i8x16.shuffle(
        i32x4.trunc_sat_f64x2_u_zero(lo),
        i32x4.trunc_sat_f64x2_u_zero(hi),
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        16,
        17,
        18,
        19,
        20,
        21,
        22,
        23
      );
      store4<T>(out + <usize>x * size, q);
    }
    for (; x < w; x++) {
      const at = prefix + ((<usize>x) << 2);
      const sum = load<u32>(at + ((<usize>k) << 2)) - load<u32>(at);
      store<T>(out + <usize>x * size, <T>(<u32>nearest(<f64>sum * inverse)));
    }
    if (y + 1 < h) {
      const entering = src + <usize>(borderAt(y + 1 + r, h, border) * w) * size;
      slideRows<T>(columns, entering, src + <usize>(borderAt(y - r, h, border) * w) * size, w);
    }
  }
}

/**
 * prefix[i] = Σ of the first i values of the column sums extended by r values on each side
 * (by `border`), for i ≤ w + 2r, in wrapping u32: the extension one value at a time, the row
 * itself four per step, each step's lanes summed by two shifted adds plus the running total.
 */
function prefixSums(columns: usize, prefix: usize, w: i32, r: i32, border: i32): void {
  let total: u32 = 0;
  store<u32>(prefix, 0);
  for (let i = 0; i < r; i++) {
    total += load<u32>(columns + ((<usize>borderAt(i - r, w, border)) << 2));
    store<u32>(prefix + ((<usize>(i + 1)) << 2), total);
  }
  const zero = i32x4.splat(0);
  let carry = i32x4.splat(total);
  const base = prefix + ((<usize>(r + 1)) << 2);
  let x = 0;
  for (; x + 4 <= w; x += 4) {
    let v = v128.load(columns + ((<usize>x) << 2));
    v = i32x4.add(
      v,
      i8x16.shuffle(zero, v, 0, 1, 2, 3, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27)
    );
    v = i32x4.add(
      v,
      i8x16.shuffle(zero, v, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
    );
    v = i32x4.add(v, carry);
    v128.store(base + ((<usize>x) << 2), v);
    carry = i8x16.shuffle(v, v, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15, 12, 13, 14, 15);
  }
  total = <u32>i32x4.extract_lane(carry, 0);
  for (; x < w; x++) {
    total += load<u32>(columns + ((<usize>x) << 2));
    store<u32>(base + ((<usize>x) << 2), total);
  }
  for (let i = 0; i < r; i++) {
    total += load<u32>(columns + ((<usize>borderAt(w + i, w, border)) << 2));
    store<u32>(prefix + ((<usize>(r + w + i + 1)) << 2), total);
  }
}

/** columns[x] += sign · row[x] for the w values of one source row (u32 lanes, wrapping). */
/** columns += entering − leaving, in one pass (the window moves down one row). */
function slideRows<T>(columns: usize, entering: usize, leaving: usize, w: i32): void {
  const size = <usize>sizeof<T>();
  let x = 0;
  for (; x + 4 <= w; x += 4) {
    const at = columns + ((<usize>x) << 2);
    const d = i32x4.sub(load4<T>(entering + <usize>x * size), load4<T>(leaving + <usize>x * size));
    v128.store(at, i32x4.add(v128.load(at), d));
  }
  for (; x < w; x++) {
    const at = columns + ((<usize>x) << 2);
    const d = <u32>load<T>(entering + <usize>x * size) - <u32>load<T>(leaving + <usize>x * size);
    store<u32>(at, load<u32>(at) + d);
  }
}

/** columns += row. */
function addRow<T>(columns: usize, row: usize, w: i32): void {
  const size = <usize>sizeof<T>();
  let x = 0;
  for (; x + 4 <= w; x += 4) {
    const at = columns + ((<usize>x) << 2);
    v128.store(at, i32x4.add(v128.load(at), load4<T>(row + <usize>x * size)));
  }
  for (; x < w; x++) {
    const at = columns + ((<usize>x) << 2);
    store<u32>(at, load<u32>(at) + <u32>load<T>(row + <usize>x * size));
  }
}

/** boxOf for u8 (size 1) or u16 (size 2) values. */
export function box(
  size: i32,
  src: usize,
  dst: usize,
  line: usize,
  h: i32,
  w: i32,
  k: i32,
  border: i32,
  inverse: f64
): void {
  if (size == 1) boxOf<u8>(src, dst, line, h, w, k, border, inverse);
  else boxOf<u16>(src, dst, line, h, w, k, border, inverse);
}
