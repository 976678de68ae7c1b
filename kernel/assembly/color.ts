/**
 * Colour to grayscale of 8-bit RGB (3 interleaved channels) in OpenCV's 15-bit fixed point, as
 * kernel/src/engine/modules/grayscale.ts: (r·cr + g·cg + b·cb + 2^14) >> 15. Sixteen pixels
 * (48 bytes) per step: lane shuffles gather each channel, 32-bit lanes hold the sums.
 */
import { step } from './lanes';

/** The weighted sum of four pixels (i32 lanes), rounded by the shift. */
function luma4(r: v128, g: v128, b: v128, cr: v128, cg: v128, cb: v128, half: v128): v128 {
  const s = i32x4.add(
    i32x4.add(i32x4.mul(r, cr), i32x4.mul(g, cg)),
    i32x4.add(i32x4.mul(b, cb), half)
  );
  return i32x4.shr_u(s, 15);
}

/** dst (n u8) = luminance of src (n RGB pixels); n ≥ 16 (the last step overlaps the one before). */
export function grayRgbU8(src: usize, dst: usize, n: i32, wr: i32, wg: i32, wb: i32): void {
  const cr = i32x4.splat(wr);
  const cg = i32x4.splat(wg);
  const cb = i32x4.splat(wb);
  const half = i32x4.splat(1 << 14);
  for (let i = 0; i < n; i += 16) {
    const p = <usize>step(i, n, 16);
    const a = v128.load(src + p * 3);
    const b = v128.load(src + p * 3 + 16);
    const c = v128.load(src + p * 3 + 32);
    // Channel k of pixel j sits at byte 3j + k of the 48.
    const R = i8x16.shuffle(
      i8x16.shuffle(a, b, 0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 0, 0, 0, 0, 0),
      c,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      10,
      17,
      20,
      23,
      26,
      29
    );
    const G = i8x16.shuffle(
      i8x16.shuffle(a, b, 1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 0, 0, 0, 0, 0),
      c,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      10,
      18,
      21,
      24,
      27,
      30
    );
    const B = i8x16.shuffle(
      i8x16.shuffle(a, b, 2, 5, 8, 11, 14, 17, 20, 23, 26, 29, 0, 0, 0, 0, 0, 0),
      c,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      16,
      19,
      22,
      25,
      28,
      31
    );
    const r0 = i16x8.extend_low_i8x16_u(R);
    const r1 = i16x8.extend_high_i8x16_u(R);
    const g0 = i16x8.extend_low_i8x16_u(G);
    const g1 = i16x8.extend_high_i8x16_u(G);
    const b0 = i16x8.extend_low_i8x16_u(B);
    const b1 = i16x8.extend_high_i8x16_u(B);
    const q0 = luma4(
      i32x4.extend_low_i16x8_u(r0),
      i32x4.extend_low_i16x8_u(g0),
      i32x4.extend_low_i16x8_u(b0),
      cr,
      cg,
      cb,
      half
    );
    const q1 = luma4(
      i32x4.extend_high_i16x8_u(r0),
      i32x4.extend_high_i16x8_u(g0),
      i32x4.extend_high_i16x8_u(b0),
      cr,
      cg,
      cb,
      half
    );
    const q2 = luma4(
      i32x4.extend_low_i16x8_u(r1),
      i32x4.extend_low_i16x8_u(g1),
      i32x4.extend_low_i16x8_u(b1),
      cr,
      cg,
      cb,
      half
    );
    const q3 = luma4(
      i32x4.extend_high_i16x8_u(r1),
      i32x4.extend_high_i16x8_u(g1),
      i32x4.extend_high_i16x8_u(b1),
      cr,
      cg,
      cb,
      half
    );
    v128.store(
      dst + p,
      i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(q0, q1), i16x8.narrow_i32x4_u(q2, q3))
    );
  }
}
