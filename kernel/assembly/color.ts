/**
 * Colour to grayscale of 8-bit RGB (3 interleaved channels) in OpenCV's 15-bit fixed point, as
 * kernel/src/engine/modules/grayscale.ts: (r·cr + g·cg + b·cb + 2^14) >> 15. Sixteen pixels
 * (48 bytes) per step, four per group: byte swizzles place each group's red and green as
 * 16-bit pairs (and blue alone) straight from the 48 bytes, and one 16-bit dot product per
 * vector multiplies and adds them in 32-bit lanes. Weights must stay below 2^15.
 */
import { step } from './lanes';

/**
 * (r·cr + g·cg + b·cb + half) >> 15 of one group of four pixels: `rg` holds r, g of each
 * pixel as 16-bit pairs, `b` holds b, 0.
 */
function luma4(rg: v128, b: v128, weightsRG: v128, weightsB: v128, half: v128): v128 {
  const s = i32x4.add(i32x4.dot_i16x8_s(rg, weightsRG), i32x4.dot_i16x8_s(b, weightsB));
  return i32x4.shr_u(i32x4.add(s, half), 15);
}

/** dst (n u8) = luminance of src (n RGB pixels); n ≥ 16 (the last step overlaps the one before). */
export function grayRgbU8(src: usize, dst: usize, n: i32, wr: i32, wg: i32, wb: i32): void {
  const weightsRG = i32x4.splat((wg << 16) | wr);
  const weightsB = i32x4.splat(wb);
  const half = i32x4.splat(1 << 14);
  // Swizzle indices per group (q) and source vector (a, b, c: bytes 0–15, 16–31, 32–47);
  // −1 selects zero. Pixel j's channel k is byte 3j + k.
  const rg0a = i8x16(0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1);
  const b0a = i8x16(2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
  const rg1a = i8x16(12, -1, 13, -1, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const rg1b = i8x16(-1, -1, -1, -1, -1, -1, 0, -1, 2, -1, 3, -1, 5, -1, 6, -1);
  const b1a = i8x16(14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const b1b = i8x16(-1, -1, -1, -1, 1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1);
  const rg2b = i8x16(8, -1, 9, -1, 11, -1, 12, -1, 14, -1, 15, -1, -1, -1, -1, -1);
  const rg2c = i8x16(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, -1, 2, -1);
  const b2b = i8x16(10, -1, -1, -1, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const b2c = i8x16(-1, -1, -1, -1, -1, -1, -1, -1, 0, -1, -1, -1, 3, -1, -1, -1);
  const rg3c = i8x16(4, -1, 5, -1, 7, -1, 8, -1, 10, -1, 11, -1, 13, -1, 14, -1);
  const b3c = i8x16(6, -1, -1, -1, 9, -1, -1, -1, 12, -1, -1, -1, 15, -1, -1, -1);
  for (let i = 0; i < n; i += 16) {
    const p = <usize>step(i, n, 16);
    const a = v128.load(src + p * 3);
    const b = v128.load(src + p * 3 + 16);
    const c = v128.load(src + p * 3 + 32);
    const q0 = luma4(i8x16.swizzle(a, rg0a), i8x16.swizzle(a, b0a), weightsRG, weightsB, half);
    const q1 = luma4(
      v128.or(i8x16.swizzle(a, rg1a), i8x16.swizzle(b, rg1b)),
      v128.or(i8x16.swizzle(a, b1a), i8x16.swizzle(b, b1b)),
      weightsRG,
      weightsB,
      half
    );
    const q2 = luma4(
      v128.or(i8x16.swizzle(b, rg2b), i8x16.swizzle(c, rg2c)),
      v128.or(i8x16.swizzle(b, b2b), i8x16.swizzle(c, b2c)),
      weightsRG,
      weightsB,
      half
    );
    const q3 = luma4(i8x16.swizzle(c, rg3c), i8x16.swizzle(c, b3c), weightsRG, weightsB, half);
    v128.store(
      dst + p,
      i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(q0, q1), i16x8.narrow_i32x4_u(q2, q3))
    );
  }
}
