/**
 * Correlation of one-channel u8 / u16 images with small integer kernels, to float32: Sobel
 * derivatives and magnitude, Laplacians. The sums are exact in 32-bit integers and below 2^24,
 * so their float32 values equal the engine's float64 sums stored as float32. The image is
 * padded once (reflect_101, as cv2.Sobel and cv2.Laplacian) and each kernel tap is then an
 * offset into it. Taps are (dy, dx, weight) triples of i32; rows need at least 4 pixels.
 */

import { borderAt, REFLECT_101 } from './borders';
import { load4, step } from './lanes';

/** src (h×w) into padded ((h + 2r) × (w + 2r)), borders reflect_101 or replicated. */
function padImage<T>(
  src: usize,
  padded: usize,
  h: i32,
  w: i32,
  r: i32,
  border: i32 = REFLECT_101
): void {
  const size = <usize>sizeof<T>();
  const pw = w + 2 * r;
  for (let py = 0; py < h + 2 * r; py++) {
    const row = src + <usize>(borderAt(py - r, h, border) * w) * size;
    const to = padded + <usize>(py * pw) * size;
    memory.copy(to + <usize>r * size, row, <usize>w * size);
    for (let i = 0; i < r; i++) {
      store<T>(to + <usize>i * size, load<T>(row + <usize>borderAt(i - r, w, border) * size));
      store<T>(
        to + <usize>(r + w + i) * size,
        load<T>(row + <usize>borderAt(w + i, w, border) * size)
      );
    }
  }
}

/**
 * Per row: each tap's source address (row of the padded image at dy, column offset dx) into
 * `ptrs`; once: each tap's weight splat into `weights` (i32x4, or i16x8 when narrow).
 */
function tapRows<T>(padded: usize, pw: i32, y: i32, taps: usize, count: i32, ptrs: usize): void {
  const size = <usize>sizeof<T>();
  for (let t = 0; t < count; t++) {
    const tap = taps + <usize>(t * 12);
    store<usize>(
      ptrs + ((<usize>t) << 2),
      padded + <usize>((y + load<i32>(tap)) * pw + load<i32>(tap, 4)) * size
    );
  }
}

function tapWeights(taps: usize, count: i32, weights: usize, narrow: bool): void {
  for (let t = 0; t < count; t++) {
    const v = load<i32>(taps + <usize>(t * 12), 8);
    v128.store(weights + ((<usize>t) << 4), narrow ? i16x8.splat(<i16>v) : i32x4.splat(v));
  }
}

/** Σ weight · value over the taps for the four pixels at column x (i32 lanes). */
function sum4<T>(x: usize, ptrs: usize, weights: usize, count: i32): v128 {
  const size = <usize>sizeof<T>();
  let acc = i32x4.splat(0);
  for (let t = 0; t < count; t++) {
    const v = load4<T>(load<usize>(ptrs + ((<usize>t) << 2)) + x * size);
    acc = i32x4.add(acc, i32x4.mul(v, v128.load(weights + ((<usize>t) << 4))));
  }
  return acc;
}

/** Σ weight · value for the eight u8 pixels at column x (i16 lanes: Σ|w| · 255 < 2^15). */
function sum8(x: usize, ptrs: usize, weights: usize, count: i32): v128 {
  let acc = i16x8.splat(0);
  for (let t = 0; t < count; t++) {
    const v = v128.load8x8_u(load<usize>(ptrs + ((<usize>t) << 2)) + x);
    acc = i16x8.add(acc, i16x8.mul(v, v128.load(weights + ((<usize>t) << 4))));
  }
  return acc;
}

/**
 * sqrt(gx² + gy²) of four i32 lanes in float32 arithmetic, as cv2.magnitude: the sums convert
 * exactly (callers keep them below 2^24), then each square, the sum and the root round to
 * float32.
 */
function magnitude4(gx: v128, gy: v128): v128 {
  const fx = f32x4.convert_i32x4_s(gx);
  const fy = f32x4.convert_i32x4_s(gy);
  return f32x4.sqrt(f32x4.add(f32x4.mul(fx, fx), f32x4.mul(fy, fy)));
}

/**
 * dst (float32) = the correlation with taps (magnitude = 0), or sqrt(gx² + gy²) of the
 * correlations with taps and taps2 (magnitude = 1, magnitude4). `narrow`: u8
 * images whose sums fit 16 bits, eight lanes at a time (plain correlation only). `scratch`:
 * 20 bytes per tap of both lists, 16-byte aligned.
 */
function correlateOf<T>(
  src: usize,
  dst: usize,
  padded: usize,
  scratch: usize,
  h: i32,
  w: i32,
  r: i32,
  taps: usize,
  count: i32,
  taps2: usize,
  count2: i32,
  magnitude: i32,
  narrow: bool
): void {
  padImage<T>(src, padded, h, w, r);
  const pw = w + 2 * r;
  const weights = scratch;
  const weights2 = weights + ((<usize>count) << 4);
  const ptrs = weights2 + ((<usize>count2) << 4);
  const ptrs2 = ptrs + ((<usize>count) << 2);
  tapWeights(taps, count, weights, narrow);
  tapWeights(taps2, count2, weights2, false);
  for (let y = 0; y < h; y++) {
    // Taps are relative to the centre, which sits at (y + r, x + r) of the padded image.
    tapRows<T>(padded + <usize>(r * pw + r) * sizeof<T>(), pw, y, taps, count, ptrs);
    tapRows<T>(padded + <usize>(r * pw + r) * sizeof<T>(), pw, y, taps2, count2, ptrs2);
    const out = dst + ((<usize>(y * w)) << 2);
    if (narrow) {
      for (let i = 0; i < w; i += 8) {
        const x = <usize>step(i, w, 8);
        const g = sum8(x, ptrs, weights, count);
        v128.store(out + (x << 2), f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(g)));
        v128.store(out + (x << 2), f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(g)), 16);
      }
      continue;
    }
    for (let i = 0; i < w; i += 4) {
      const x = <usize>step(i, w, 4);
      const gx = sum4<T>(x, ptrs, weights, count);
      const v =
        magnitude == 0
          ? f32x4.convert_i32x4_s(gx)
          : magnitude4(gx, sum4<T>(x, ptrs2, weights2, count2));
      v128.store(out + (x << 2), v);
    }
  }
}

/** correlate for u8 (size 1) or u16 (size 2) values. */
export function correlate(
  size: i32,
  src: usize,
  dst: usize,
  padded: usize,
  scratch: usize,
  h: i32,
  w: i32,
  r: i32,
  taps: usize,
  count: i32,
  taps2: usize,
  count2: i32,
  magnitude: i32,
  narrow: bool
): void {
  if (size == 1)
    correlateOf<u8>(
      src,
      dst,
      padded,
      scratch,
      h,
      w,
      r,
      taps,
      count,
      taps2,
      count2,
      magnitude,
      narrow
    );
  else
    correlateOf<u16>(
      src,
      dst,
      padded,
      scratch,
      h,
      w,
      r,
      taps,
      count,
      taps2,
      count2,
      magnitude,
      false
    );
}

/**
 * The vertical half of the 3×3 Sobel for output row y of a u8 image padded by one pixel:
 * smooth = a + 2b + c and diff = c − a of the three source rows, as i16 over w + 2 columns.
 */
function sobelLines(padded: usize, pw: usize, y: i32, w: i32, smooth: usize, diff: usize): void {
  const a = padded + <usize>y * pw;
  const b = a + pw;
  const c = b + pw;
  for (let i = 0; i < w + 2; i += 8) {
    const x = <usize>step(i, w + 2, 8);
    const va = v128.load8x8_u(a + x);
    const vb = v128.load8x8_u(b + x);
    const vc = v128.load8x8_u(c + x);
    v128.store(smooth + (x << 1), i16x8.add(i16x8.add(va, vc), i16x8.shl(vb, 1)));
    v128.store(diff + (x << 1), i16x8.sub(vc, va));
  }
}

/** gx = smooth[x + 1] − smooth[x − 1] for eight columns (at = 2x bytes). */
function sobelX(smooth: usize, at: usize): v128 {
  return i16x8.sub(v128.load(smooth + at + 4), v128.load(smooth + at));
}

/** gy = diff[x − 1] + 2 diff[x] + diff[x + 1] for eight columns. */
function sobelY(diff: usize, at: usize): v128 {
  return i16x8.add(
    i16x8.add(v128.load(diff + at), v128.load(diff + at + 4)),
    i16x8.shl(v128.load(diff + at + 2), 1)
  );
}

/**
 * The 3×3 Sobel derivatives of a u8 image (padded by one pixel) to float32, separably in
 * eight 16-bit lanes: per row the vertical smoothing and difference (sobelLines), then the
 * horizontal difference and smoothing. `line` is scratch for 2 × (w + 2) i16 values.
 * what: 0 = gx, 1 = gy, 2 = sqrt(gx² + gy²) (exact sums in float32: |g| ≤ 1020).
 */
export function sobel3U8(padded: usize, dst: usize, line: usize, h: i32, w: i32, what: i32): void {
  const pw = <usize>(w + 2);
  const smooth = line;
  const diff = line + (pw << 1);
  for (let y = 0; y < h; y++) {
    sobelLines(padded, pw, y, w, smooth, diff);
    const out = dst + ((<usize>(y * w)) << 2);
    for (let i = 0; i < w; i += 8) {
      const x = <usize>step(i, w, 8);
      const gx = sobelX(smooth, x << 1);
      const gy = sobelY(diff, x << 1);
      const o = out + (x << 2);
      if (what == 2) {
        const xl = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(gx));
        const xh = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(gx));
        const yl = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(gy));
        const yh = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(gy));
        v128.store(o, f32x4.sqrt(f32x4.add(f32x4.mul(xl, xl), f32x4.mul(yl, yl))));
        v128.store(o, f32x4.sqrt(f32x4.add(f32x4.mul(xh, xh), f32x4.mul(yh, yh))), 16);
      } else {
        const g = what == 0 ? gx : gy;
        v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(g)));
        v128.store(o, f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(g)), 16);
      }
    }
  }
}

/** Both 3×3 Sobel derivatives of a padded u8 image as i16 (gx, gy: h·w each). */
export function sobel3PairU8(
  padded: usize,
  gx: usize,
  gy: usize,
  line: usize,
  h: i32,
  w: i32
): void {
  const pw = <usize>(w + 2);
  const smooth = line;
  const diff = line + (pw << 1);
  for (let y = 0; y < h; y++) {
    sobelLines(padded, pw, y, w, smooth, diff);
    const row = (<usize>(y * w)) << 1;
    for (let i = 0; i < w; i += 8) {
      const at = (<usize>step(i, w, 8)) << 1;
      v128.store(gx + row + at, sobelX(smooth, at));
      v128.store(gy + row + at, sobelY(diff, at));
    }
  }
}

/** padImage for callers that run several kernels on one padded image. */
export function padImageU8(src: usize, padded: usize, h: i32, w: i32, r: i32, border: i32): void {
  padImage<u8>(src, padded, h, w, r, border);
}

/** padImage for uint16 images (sobel3U16, laplacian3U16). */
export function padImageU16(src: usize, padded: usize, h: i32, w: i32, r: i32, border: i32): void {
  padImage<u16>(src, padded, h, w, r, border);
}

/**
 * sobelLines for a u16 image in i32 lanes (four columns a vector): smooth = a + 2b + c and
 * diff = c − a of the three source rows of output row y, over w + 2 columns.
 */
function sobelLinesU16(padded: usize, pw: usize, y: i32, w: i32, smooth: usize, diff: usize): void {
  const a = padded + ((<usize>y * pw) << 1);
  const b = a + (pw << 1);
  const c = b + (pw << 1);
  for (let i = 0; i < w + 2; i += 4) {
    const x = <usize>step(i, w + 2, 4);
    const va = v128.load16x4_u(a + (x << 1));
    const vb = v128.load16x4_u(b + (x << 1));
    const vc = v128.load16x4_u(c + (x << 1));
    v128.store(smooth + (x << 2), i32x4.add(i32x4.add(va, vc), i32x4.shl(vb, 1)));
    v128.store(diff + (x << 2), i32x4.sub(vc, va));
  }
}

/**
 * sobel3U8 for u16 images: the same separable 3×3 Sobel in i32 lanes (|g| ≤ 4 · 65535, exact
 * in float32). `line` is scratch for 2 × (w + 2) i32 values; rows need at least 4 pixels.
 */
export function sobel3U16(padded: usize, dst: usize, line: usize, h: i32, w: i32, what: i32): void {
  const pw = <usize>(w + 2);
  const smooth = line;
  const diff = line + (pw << 2);
  for (let y = 0; y < h; y++) {
    sobelLinesU16(padded, pw, y, w, smooth, diff);
    const out = dst + ((<usize>(y * w)) << 2);
    for (let i = 0; i < w; i += 4) {
      const at = (<usize>step(i, w, 4)) << 2;
      const gx = i32x4.sub(v128.load(smooth + at + 8), v128.load(smooth + at));
      const gy = i32x4.add(
        i32x4.add(v128.load(diff + at), v128.load(diff + at + 8)),
        i32x4.shl(v128.load(diff + at + 4), 1)
      );
      v128.store(
        out + at,
        what == 2 ? magnitude4(gx, gy) : f32x4.convert_i32x4_s(what == 0 ? gx : gy)
      );
    }
  }
}

/** The sum of four u16 vectors' low (high = false) or high halves in i32 lanes. */
function sum4Half(a: v128, b: v128, c: v128, d: v128, high: bool): v128 {
  if (high)
    return i32x4.add(
      i32x4.add(i32x4.extend_high_i16x8_u(a), i32x4.extend_high_i16x8_u(b)),
      i32x4.add(i32x4.extend_high_i16x8_u(c), i32x4.extend_high_i16x8_u(d))
    );
  return i32x4.add(
    i32x4.add(i32x4.extend_low_i16x8_u(a), i32x4.extend_low_i16x8_u(b)),
    i32x4.add(i32x4.extend_low_i16x8_u(c), i32x4.extend_low_i16x8_u(d))
  );
}

/**
 * The 3×3 Laplacians of cv2.Laplacian on a u16 image padded by one pixel, to float32:
 * corners = false, ksize 1 (the four neighbours − 4 · centre); corners = true, ksize 3
 * (2 · (the four corners − 4 · centre)). Shifts instead of multiplies, eight columns a step
 * in two i32 vectors; rows need at least 8 pixels.
 */
export function laplacian3U16(padded: usize, dst: usize, h: i32, w: i32, corners: bool): void {
  const pw = (<usize>(w + 2)) << 1;
  for (let y = 0; y < h; y++) {
    const up = padded + <usize>y * pw;
    const mid = up + pw;
    const down = mid + pw;
    const out = dst + ((<usize>(y * w)) << 2);
    for (let i = 0; i < w; i += 8) {
      const x = <usize>step(i, w, 8);
      const at = x << 1;
      const centre = v128.load(mid + at + 2);
      // The four taps: the corners (ksize 3) or the edge neighbours (ksize 1).
      const a = corners ? v128.load(up + at) : v128.load(up + at + 2);
      const b = corners ? v128.load(up + at + 4) : v128.load(mid + at);
      const c = corners ? v128.load(down + at) : v128.load(mid + at + 4);
      const d = corners ? v128.load(down + at + 4) : v128.load(down + at + 2);
      const shift = corners ? 1 : 0;
      const lo = i32x4.sub(
        sum4Half(a, b, c, d, false),
        i32x4.shl(i32x4.extend_low_i16x8_u(centre), 2)
      );
      const hi = i32x4.sub(
        sum4Half(a, b, c, d, true),
        i32x4.shl(i32x4.extend_high_i16x8_u(centre), 2)
      );
      v128.store(out + (x << 2), f32x4.convert_i32x4_s(i32x4.shl(lo, shift)));
      v128.store(out + (x << 2), f32x4.convert_i32x4_s(i32x4.shl(hi, shift)), 16);
    }
  }
}
