/**
 * Separable correlation of one-channel u8 / u16 images with integer weights, in exact 32-bit
 * integer arithmetic, then division by the kernel's scale with rounding half to even: the
 * Gaussian blur's fixed 3/5/7-tap kernels (weights over a power of two) and box blurs (all
 * weights 1, an odd scale), with reflect_101 borders (cv2.GaussianBlur, cv2.blur) or replicated
 * ones (cv2.adaptiveThreshold's local mean). The values equal the engine's float64 separableFilter, whose
 * sums of these weights are exact. Rows need at least 4 pixels.
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
 * Sums of rows × weights: horizontal pass into `sums` (h·w i32), vertical pass into dst.
 * `pad` is scratch: one padded source row (w + taps − 1 values of T), then 20 bytes per tap,
 * 16-byte aligned. The result is
 * round_half_even(sum / scale): `shift` ≥ 0 divides by 2^shift, else `scale` (odd, with
 * sums small enough for an exact float32 quotient; the caller checks) divides in float32.
 */
function separableOf<T>(
  src: usize,
  dst: usize,
  sums: usize,
  pad: usize,
  h: i32,
  w: i32,
  weights: usize,
  taps: i32,
  shift: i32,
  scale: i32,
  border: i32
): void {
  const size = <usize>sizeof<T>();
  const r = taps >> 1;
  // Scratch after the padded row: each weight splat over four lanes, and each tap's row.
  const lanes = (pad + <usize>(w + taps) * size + 15) & ~15;
  const rows = lanes + ((<usize>taps) << 4);
  for (let t = 0; t < taps; t++) {
    v128.store(lanes + ((<usize>t) << 4), i32x4.splat(load<i32>(weights + ((<usize>t) << 2))));
  }
  for (let y = 0; y < h; y++) {
    const row = src + <usize>(y * w) * size;
    memory.copy(pad + <usize>r * size, row, <usize>w * size);
    for (let i = 0; i < r; i++) {
      store<T>(pad + <usize>i * size, load<T>(row + <usize>borderAt(i - r, w, border) * size));
      store<T>(
        pad + <usize>(r + w + i) * size,
        load<T>(row + <usize>borderAt(w + i, w, border) * size)
      );
    }
    const out = sums + ((<usize>(y * w)) << 2);
    for (let i = 0; i < w; i += 4) {
      const x = step(i, w, 4);
      let acc = i32x4.splat(0);
      for (let t = 0; t < taps; t++) {
        const v = load4<T>(pad + <usize>(x + t) * size);
        acc = i32x4.add(acc, i32x4.mul(v, v128.load(lanes + ((<usize>t) << 4))));
      }
      v128.store(out + ((<usize>x) << 2), acc);
    }
  }
  const half = shift > 0 ? (1 << (shift - 1)) - 1 : 0;
  const inverse = f32x4.splat(<f32>scale);
  for (let y = 0; y < h; y++) {
    for (let t = 0; t < taps; t++) {
      store<usize>(
        rows + ((<usize>t) << 2),
        sums + ((<usize>(borderAt(y + t - r, h, border) * w)) << 2)
      );
    }
    const to = dst + <usize>(y * w) * size;
    for (let i = 0; i < w; i += 4) {
      const x = step(i, w, 4);
      let acc = i32x4.splat(0);
      for (let t = 0; t < taps; t++) {
        const v = v128.load(load<usize>(rows + ((<usize>t) << 2)) + ((<usize>x) << 2));
        acc = i32x4.add(acc, i32x4.mul(v, v128.load(lanes + ((<usize>t) << 4))));
      }
      let q: v128;
      if (shift >= 0) {
        // (s + 2^(shift−1) − 1 + odd(s >> shift)) >> shift: halves go to the even neighbour.
        const odd = v128.and(i32x4.shr_u(acc, shift), i32x4.splat(1));
        q = i32x4.shr_u(i32x4.add(acc, i32x4.add(i32x4.splat(half), odd)), shift);
      } else {
        q = i32x4.trunc_sat_f32x4_u(f32x4.nearest(f32x4.div(f32x4.convert_i32x4_u(acc), inverse)));
      }
      store4<T>(to + <usize>x * size, q);
    }
  }
}

/**
 * separable for u8 images whose sums stay below 2^16 (max · scale² ≤ 65535: the 3- and 5-tap
 * Gaussians, boxes up to 15) and symmetric kernels (the caller checks): 16-bit lanes instead
 * of 32-bit ones, and the two taps of each symmetric pair summed before one multiply. Each output row
 * sums its source rows first (into `line`, padded by reflection), then along the row, so the
 * intermediate values never leave the cache. `line` is scratch: (w + taps) u16 values, then
 * 20 bytes per tap, 16-byte aligned.
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
  scale: i32,
  border: i32
): void {
  const r = taps >> 1;
  const halfValue: i32 = shift > 0 ? (1 << (shift - 1)) - 1 : 0;
  const half = i16x8.splat(<i16>halfValue);
  const one = i16x8.splat(1);
  const divisor = f32x4.splat(<f32>scale);
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
    // Horizontal, then round half to even and store.
    const to = dst + <usize>(y * w);
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
      let q: v128;
      if (shift >= 0) {
        const odd = v128.and(i16x8.shr_u(acc, shift), one);
        q = i16x8.shr_u(i16x8.add(acc, i16x8.add(half, odd)), shift);
      } else {
        const lo = f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(acc));
        const hi = f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(acc));
        q = i16x8.narrow_i32x4_u(
          i32x4.trunc_sat_f32x4_u(f32x4.nearest(f32x4.div(lo, divisor))),
          i32x4.trunc_sat_f32x4_u(f32x4.nearest(f32x4.div(hi, divisor)))
        );
      }
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
  scale: i32,
  border: i32
): void {
  separableNarrowU8(src, dst, line, h, w, weights, taps, shift, scale, border);
}

/** separable for u8 (size 1) or u16 (size 2) values. */
export function separable(
  size: i32,
  src: usize,
  dst: usize,
  sums: usize,
  pad: usize,
  h: i32,
  w: i32,
  weights: usize,
  taps: i32,
  shift: i32,
  scale: i32,
  border: i32
): void {
  if (size == 1) separableOf<u8>(src, dst, sums, pad, h, w, weights, taps, shift, scale, border);
  else separableOf<u16>(src, dst, sums, pad, h, w, weights, taps, shift, scale, border);
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
