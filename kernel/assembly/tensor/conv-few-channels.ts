/**
 * A 3×3, stride-1 convolution of an NHWC float32 input with few channels (a network's first
 * layer on grayscale or RGB images), with bias, ReLU / ReLU6 and optionally the 2×2 MaxPooling
 * after it, in one pass (kernel/src/engine/backend/wasm/few_channels_conv.ts). Winograd does
 * not pay here (its products would be one channel deep), and XNNPACK runs such a layer at
 * about half its usual rate; the pooled variant also never writes the full-size output.
 *
 * Per output row: the three input rows under it are copied, zero-padded, into scratch (so the
 * inner loop has no bounds checks); then for each group of eight output channels, four pixels
 * at a time, eight sums stay in registers over the 9 · ci taps (one loop over a table of their
 * offsets). With pooling, per pooled row: the four input rows under its two output rows, and
 * the eight sums are one pooled pixel's 2×2 window by eight channels, whose maximum goes
 * straight to y (a pass over the full-size rows in scratch took a fifth of the time).
 *
 * Output rows (or pooled rows) [u0, u1) of all n images are computed, so threads can share
 * them. co must be a multiple of 4.
 */

import { activate } from './winograd';

export function fewChannelsConv3x3F32(
  x: usize,
  filter: usize,
  bias: usize,
  y: usize,
  scratch: usize,
  n: i32,
  h: i32,
  w: i32,
  ci: i32,
  co: i32,
  ho: i32,
  wo: i32,
  padTop: i32,
  padLeft: i32,
  activation: i32,
  pool: bool,
  u0: i32,
  u1: i32
): void {
  const padded = scratch; // 4 rows × (wo + 2) pixels × ci
  const paddedRow = (<usize>((wo + 2) * ci)) << 2;
  const outRow = (<usize>(wo * co)) << 2;
  // The byte offset of each tap (r, s, c), in the filter's order, from an output pixel's first
  // input in the padded rows: one loop over 9 · ci taps instead of three nested ones (with one
  // channel, their overhead took a fifth of the time).
  const taps = padded + 4 * paddedRow;
  for (let r = 0; r < 3; r++) {
    for (let t = 0; t < 3 * ci; t++) {
      store<i32>(taps + ((<usize>(r * 3 * ci + t)) << 2), r * <i32>paddedRow + 4 * t);
    }
  }
  const perImage = pool ? ho >> 1 : ho;
  const pooledRow = (<usize>((wo >> 1) * co)) << 2;
  for (let u = u0; u < u1; u++) {
    const image = u / perImage;
    const r = u - image * perImage;
    const xImage = x + <usize>(image * h) * ((<usize>(w * ci)) << 2);
    if (pool) {
      padRows(xImage, padded, paddedRow, 2 * r - padTop, 4, h, w, ci, wo, padLeft);
      const out = y + <usize>(image * perImage + r) * pooledRow;
      convPooledRow(filter, bias, out, padded, paddedRow, ci, co, wo >> 1, activation, taps);
    } else {
      padRows(xImage, padded, paddedRow, r - padTop, 3, h, w, ci, wo, padLeft);
      const out = y + <usize>(image * ho + r) * outRow;
      convRow(filter, bias, out, padded, ci, co, wo, activation, taps);
    }
  }
}

/**
 * Input rows iy0 … iy0 + count − 1 of one image into the padded rows, zero outside the image
 * (above, below, left of column 0 and right of column w − 1).
 */
function padRows(
  x: usize,
  padded: usize,
  paddedRow: usize,
  iy0: i32,
  count: i32,
  h: i32,
  w: i32,
  ci: i32,
  wo: i32,
  padLeft: i32
): void {
  const pixelIn = (<usize>ci) << 2;
  // Columns j hold input column j − padLeft.
  const first = min(padLeft, wo + 2);
  const last = min(w + padLeft, wo + 2);
  for (let k = 0; k < count; k++) {
    const row = padded + <usize>k * paddedRow;
    const iy = iy0 + k;
    if (iy < 0 || iy >= h) {
      memory.fill(row, 0, paddedRow);
      continue;
    }
    memory.fill(row, 0, <usize>first * pixelIn);
    memory.copy(
      row + <usize>first * pixelIn,
      x + <usize>(iy * w + first - padLeft) * pixelIn,
      <usize>(last - first) * pixelIn
    );
    memory.fill(row + <usize>last * pixelIn, 0, <usize>(wo + 2 - last) * pixelIn);
  }
}

/**
 * One pooled row (pw pixels × co) from the four padded input rows under its two output rows:
 * each output's sum as in convRow, then the maximum of each 2×2 window, activated (the
 * activations are monotonic: the same as the maximum of the activated outputs).
 */
function convPooledRow(
  filter: usize,
  bias: usize,
  out: usize,
  padded: usize,
  paddedRow: usize,
  ci: i32,
  co: i32,
  pw: i32,
  activation: i32,
  taps: usize
): void {
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  const pixelIn = (<usize>ci) << 2;
  const pixelOut = (<usize>co) << 2;
  const tapStride = (<usize>co) << 2;
  const tapBytes = (<usize>(9 * ci)) << 2;
  let g: usize = 0;
  // Eight channels of one window: rows a (top) and b, columns 0 and 1.
  for (; g + 32 <= pixelOut; g += 32) {
    const b0 = v128.load(bias + g);
    const b1 = v128.load(bias + g, 16);
    for (let px = 0; px < pw; px++) {
      let a00 = b0;
      let a01 = b1;
      let a10 = b0;
      let a11 = b1;
      let c00 = b0;
      let c01 = b1;
      let c10 = b0;
      let c11 = b1;
      let f = filter + g;
      const at = padded + <usize>(2 * px) * pixelIn;
      for (let t: usize = 0; t < tapBytes; t += 4, f += tapStride) {
        const p = at + <usize>load<i32>(taps + t);
        const k0 = v128.load(f);
        const k1 = v128.load(f, 16);
        let v = v128.load32_splat(p);
        a00 = f32x4.add(a00, f32x4.mul(v, k0));
        a01 = f32x4.add(a01, f32x4.mul(v, k1));
        v = v128.load32_splat(p + pixelIn);
        a10 = f32x4.add(a10, f32x4.mul(v, k0));
        a11 = f32x4.add(a11, f32x4.mul(v, k1));
        v = v128.load32_splat(p + paddedRow);
        c00 = f32x4.add(c00, f32x4.mul(v, k0));
        c01 = f32x4.add(c01, f32x4.mul(v, k1));
        v = v128.load32_splat(p + paddedRow + pixelIn);
        c10 = f32x4.add(c10, f32x4.mul(v, k0));
        c11 = f32x4.add(c11, f32x4.mul(v, k1));
      }
      const most0 = f32x4.max(f32x4.max(a00, a10), f32x4.max(c00, c10));
      const most1 = f32x4.max(f32x4.max(a01, a11), f32x4.max(c01, c11));
      storePair(out + <usize>px * pixelOut + g, most0, most1, activation, zero, six);
    }
  }
  // The last four channels where co ≡ 4 (mod 8).
  for (; g < pixelOut; g += 16) {
    const b = v128.load(bias + g);
    for (let px = 0; px < pw; px++) {
      let a0 = b;
      let a1 = b;
      let c0 = b;
      let c1 = b;
      let f = filter + g;
      const at = padded + <usize>(2 * px) * pixelIn;
      for (let t: usize = 0; t < tapBytes; t += 4, f += tapStride) {
        const p = at + <usize>load<i32>(taps + t);
        const k = v128.load(f);
        a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(p), k));
        a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(p + pixelIn), k));
        c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(p + paddedRow), k));
        c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(p + paddedRow + pixelIn), k));
      }
      const most = f32x4.max(f32x4.max(a0, a1), f32x4.max(c0, c1));
      v128.store(out + <usize>px * pixelOut + g, activate(most, activation, zero, six));
    }
  }
}

/** One output row (wo × co), activated, from the three padded input rows under it. */
function convRow(
  filter: usize,
  bias: usize,
  out: usize,
  padded: usize,
  ci: i32,
  co: i32,
  wo: i32,
  activation: i32,
  taps: usize
): void {
  const pixelIn = (<usize>ci) << 2;
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  const pixelOut = (<usize>co) << 2;
  const tapStride = (<usize>co) << 2; // bytes from filter [r, s, c, ·] to the next tap
  const tapBytes = (<usize>(9 * ci)) << 2;
  let g: usize = 0;
  // Eight channels by four pixels: each input value loaded feeds two vectors of channels.
  for (; g + 32 <= pixelOut; g += 32) {
    const b0 = v128.load(bias + g);
    const b1 = v128.load(bias + g, 16);
    let px = 0;
    for (; px + 4 <= wo; px += 4) {
      let s00 = b0;
      let s01 = b1;
      let s10 = b0;
      let s11 = b1;
      let s20 = b0;
      let s21 = b1;
      let s30 = b0;
      let s31 = b1;
      let f = filter + g;
      const at = padded + <usize>px * pixelIn;
      for (let t: usize = 0; t < tapBytes; t += 4, f += tapStride) {
        const p = at + <usize>load<i32>(taps + t);
        const k0 = v128.load(f);
        const k1 = v128.load(f, 16);
        let v = v128.load32_splat(p);
        s00 = f32x4.add(s00, f32x4.mul(v, k0));
        s01 = f32x4.add(s01, f32x4.mul(v, k1));
        v = v128.load32_splat(p + pixelIn);
        s10 = f32x4.add(s10, f32x4.mul(v, k0));
        s11 = f32x4.add(s11, f32x4.mul(v, k1));
        v = v128.load32_splat(p + 2 * pixelIn);
        s20 = f32x4.add(s20, f32x4.mul(v, k0));
        s21 = f32x4.add(s21, f32x4.mul(v, k1));
        v = v128.load32_splat(p + 3 * pixelIn);
        s30 = f32x4.add(s30, f32x4.mul(v, k0));
        s31 = f32x4.add(s31, f32x4.mul(v, k1));
      }
      const o = out + <usize>px * pixelOut + g;
      storePair(o, s00, s01, activation, zero, six);
      storePair(o + pixelOut, s10, s11, activation, zero, six);
      storePair(o + 2 * pixelOut, s20, s21, activation, zero, six);
      storePair(o + 3 * pixelOut, s30, s31, activation, zero, six);
    }
    for (; px < wo; px++) {
      let s0 = b0;
      let s1 = b1;
      let f = filter + g;
      const at = padded + <usize>px * pixelIn;
      for (let t: usize = 0; t < tapBytes; t += 4, f += tapStride) {
        const p = at + <usize>load<i32>(taps + t);
        const v = v128.load32_splat(p);
        s0 = f32x4.add(s0, f32x4.mul(v, v128.load(f)));
        s1 = f32x4.add(s1, f32x4.mul(v, v128.load(f, 16)));
      }
      storePair(out + <usize>px * pixelOut + g, s0, s1, activation, zero, six);
    }
  }
  // The last four channels where co ≡ 4 (mod 8): four channels by eight pixels.
  for (; g < pixelOut; g += 16) {
    const b = v128.load(bias + g);
    let px = 0;
    for (; px + 8 <= wo; px += 8) {
      let s0 = b;
      let s1 = b;
      let s2 = b;
      let s3 = b;
      let s4 = b;
      let s5 = b;
      let s6 = b;
      let s7 = b;
      // Taps (r, s, c) in filter order: filter [r, s, c, g…g+3] times input row r, column px + s.
      let f = filter + g;
      const at = padded + <usize>px * pixelIn;
      for (let t: usize = 0; t < tapBytes; t += 4, f += tapStride) {
        const p = at + <usize>load<i32>(taps + t);
        const k = v128.load(f);
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(p), k));
        s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(p + pixelIn), k));
        s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(p + 2 * pixelIn), k));
        s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(p + 3 * pixelIn), k));
        s4 = f32x4.add(s4, f32x4.mul(v128.load32_splat(p + 4 * pixelIn), k));
        s5 = f32x4.add(s5, f32x4.mul(v128.load32_splat(p + 5 * pixelIn), k));
        s6 = f32x4.add(s6, f32x4.mul(v128.load32_splat(p + 6 * pixelIn), k));
        s7 = f32x4.add(s7, f32x4.mul(v128.load32_splat(p + 7 * pixelIn), k));
      }
      const o = out + <usize>px * pixelOut + g;
      v128.store(o, activate(s0, activation, zero, six));
      v128.store(o + pixelOut, activate(s1, activation, zero, six));
      v128.store(o + 2 * pixelOut, activate(s2, activation, zero, six));
      v128.store(o + 3 * pixelOut, activate(s3, activation, zero, six));
      v128.store(o + 4 * pixelOut, activate(s4, activation, zero, six));
      v128.store(o + 5 * pixelOut, activate(s5, activation, zero, six));
      v128.store(o + 6 * pixelOut, activate(s6, activation, zero, six));
      v128.store(o + 7 * pixelOut, activate(s7, activation, zero, six));
    }
    for (; px < wo; px++) {
      let s0 = b;
      let f = filter + g;
      const at = padded + <usize>px * pixelIn;
      for (let t: usize = 0; t < tapBytes; t += 4, f += tapStride) {
        const p = at + <usize>load<i32>(taps + t);
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(p), v128.load(f)));
      }
      v128.store(out + <usize>px * pixelOut + g, activate(s0, activation, zero, six));
    }
  }
}

/** Two activated vectors of channels to o and o + 16. */
function storePair(o: usize, a: v128, b: v128, activation: i32, zero: v128, six: v128): void {
  v128.store(o, activate(a, activation, zero, six));
  v128.store(o, activate(b, activation, zero, six), 16);
}
