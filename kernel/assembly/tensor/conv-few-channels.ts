/**
 * A 3×3, stride-1 convolution of an NHWC float32 input with few channels (a network's first
 * layer on grayscale or RGB images), with bias, ReLU / ReLU6 and optionally the 2×2 MaxPooling
 * after it, in one pass (kernel/src/engine/backend/wasm/few_channels_conv.ts). Winograd does
 * not pay here (its products would be one channel deep), and XNNPACK runs such a layer at
 * about half its usual rate; the pooled variant also never writes the full-size output.
 *
 * Per output row: the three input rows under it are copied, zero-padded, into scratch (so the
 * inner loop has no bounds checks); then for each group of four output channels, eight pixels
 * at a time, eight sums stay in registers over the 9 · ci taps. With pooling, two output rows
 * go to scratch and each 2×2 window's maximum to y.
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
  const padded = scratch; // 3 rows × (wo + 2) pixels × ci
  const paddedRow = (<usize>((wo + 2) * ci)) << 2;
  const rows = padded + 3 * paddedRow; // with pooling: 2 output rows × wo × co
  const outRow = (<usize>(wo * co)) << 2;
  const perImage = pool ? ho >> 1 : ho;
  for (let u = u0; u < u1; u++) {
    const image = u / perImage;
    const r = u - image * perImage;
    const xImage = x + <usize>(image * h) * ((<usize>(w * ci)) << 2);
    if (!pool) {
      const out = y + <usize>(image * ho + r) * outRow;
      convRow(
        xImage,
        filter,
        bias,
        out,
        padded,
        paddedRow,
        r,
        h,
        w,
        ci,
        co,
        wo,
        padTop,
        padLeft,
        activation
      );
      continue;
    }
    const pw = wo >> 1;
    convRow(
      xImage,
      filter,
      bias,
      rows,
      padded,
      paddedRow,
      2 * r,
      h,
      w,
      ci,
      co,
      wo,
      padTop,
      padLeft,
      activation
    );
    convRow(
      xImage,
      filter,
      bias,
      rows + outRow,
      padded,
      paddedRow,
      2 * r + 1,
      h,
      w,
      ci,
      co,
      wo,
      padTop,
      padLeft,
      activation
    );
    const pixel = (<usize>co) << 2;
    const out = y + <usize>(image * perImage + r) * (<usize>pw * pixel);
    for (let px = 0; px < pw; px++) {
      const a = rows + <usize>(2 * px) * pixel;
      const b = a + outRow;
      const o = out + <usize>px * pixel;
      for (let c: usize = 0; c < pixel; c += 16) {
        const top = f32x4.max(v128.load(a + c), v128.load(a + pixel + c));
        const bottom = f32x4.max(v128.load(b + c), v128.load(b + pixel + c));
        v128.store(o + c, f32x4.max(top, bottom));
      }
    }
  }
}

/** Output row oy of one image, activated, to out (wo × co). */
function convRow(
  x: usize,
  filter: usize,
  bias: usize,
  out: usize,
  padded: usize,
  paddedRow: usize,
  oy: i32,
  h: i32,
  w: i32,
  ci: i32,
  co: i32,
  wo: i32,
  padTop: i32,
  padLeft: i32,
  activation: i32
): void {
  // The three input rows under the output row, zero outside the image.
  const pixelIn = (<usize>ci) << 2;
  for (let k = 0; k < 3; k++) {
    const row = padded + <usize>k * paddedRow;
    const iy = oy + k - padTop;
    if (iy < 0 || iy >= h) {
      memory.fill(row, 0, paddedRow);
      continue;
    }
    // Columns j hold input column j − padLeft: zero left of 0 and right of w − 1.
    const first = min(padLeft, wo + 2);
    const last = min(w + padLeft, wo + 2);
    memory.fill(row, 0, <usize>first * pixelIn);
    memory.copy(
      row + <usize>first * pixelIn,
      x + <usize>(iy * w + first - padLeft) * pixelIn,
      <usize>(last - first) * pixelIn
    );
    memory.fill(row + <usize>last * pixelIn, 0, <usize>(wo + 2 - last) * pixelIn);
  }
  const zero = f32x4.splat(0);
  const six = f32x4.splat(6);
  const pixelOut = (<usize>co) << 2;
  const tapStride = (<usize>co) << 2; // bytes from filter [r, s, c, ·] to the next tap
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
      for (let r: usize = 0; r < 3; r++) {
        for (let s: usize = 0; s < 3; s++) {
          let p = padded + r * paddedRow + (<usize>px + s) * pixelIn;
          for (let c = 0; c < ci; c++, f += tapStride, p += 4) {
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
        }
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
      for (let r: usize = 0; r < 3; r++) {
        for (let s: usize = 0; s < 3; s++) {
          let p = padded + r * paddedRow + (<usize>px + s) * pixelIn;
          for (let c = 0; c < ci; c++, f += tapStride, p += 4) {
            const v = v128.load32_splat(p);
            s0 = f32x4.add(s0, f32x4.mul(v, v128.load(f)));
            s1 = f32x4.add(s1, f32x4.mul(v, v128.load(f, 16)));
          }
        }
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
      for (let r: usize = 0; r < 3; r++) {
        for (let s: usize = 0; s < 3; s++) {
          let p = padded + r * paddedRow + (<usize>px + s) * pixelIn;
          for (let c = 0; c < ci; c++, f += tapStride, p += 4) {
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
        }
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
      for (let r: usize = 0; r < 3; r++) {
        for (let s: usize = 0; s < 3; s++) {
          let p = padded + r * paddedRow + (<usize>px + s) * pixelIn;
          for (let c = 0; c < ci; c++, f += tapStride, p += 4) {
            s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(p), v128.load(f)));
          }
        }
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
