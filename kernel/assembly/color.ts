/**
 * Colour to grayscale of 8-bit RGB (3 interleaved channels) in OpenCV's 15-bit fixed point, as
 * kernel/src/engine/modules/grayscale.ts: (r·cr + g·cg + b·cb + 2^14) >> 15. Sixteen pixels
 * (48 bytes) per step, four per group: one constant byte shuffle per group places its red and
 * green as pairs and its blue after them; widened to 16 bits, a dot product multiplies and adds
 * red and green in 32-bit lanes. Weights must stay below 2^15.
 */
import { step } from './lanes';

/**
 * (r·cr + g·cg + b·cb + half) >> 15 of four pixels whose bytes `v` holds as r0 g0 r1 g1 r2 g2
 * r3 g3 b0 b1 b2 b3 (and four unused): r, g as 16-bit pairs into one dot product, b widened
 * and multiplied on its own.
 */
function luma4(v: v128, weightsRG: v128, weightB: v128, half: v128): v128 {
  const rg = i16x8.extend_low_i8x16_u(v);
  const b = i16x8.extend_high_i8x16_u(v);
  const s = i32x4.add(i32x4.dot_i16x8_s(rg, weightsRG), i32x4.extmul_low_i16x8_u(b, weightB));
  return i32x4.shr_u(i32x4.add(s, half), 15);
}

/** The bytes of four RGB pixels starting at byte `o` of v, in luma4's order. */
function group(v: v128, o: u8): v128 {
  // A one-operand shuffle with constant lanes: one byte permutation instruction.
  if (o == 0) return i8x16.shuffle(v, v, 0, 1, 3, 4, 6, 7, 9, 10, 2, 5, 8, 11, 0, 0, 0, 0);
  return i8x16.shuffle(v, v, 4, 5, 7, 8, 10, 11, 13, 14, 6, 9, 12, 15, 0, 0, 0, 0);
}

/** dst (n u8) = luminance of src (n RGB pixels); n ≥ 16 (the last step overlaps the one before). */
export function grayRgbU8(src: usize, dst: usize, n: i32, wr: i32, wg: i32, wb: i32): void {
  const weightsRG = i32x4.splat((wg << 16) | wr);
  const weightB = i16x8.splat(<i16>wb);
  const half = i32x4.splat(1 << 14);
  for (let i = 0; i < n; i += 16) {
    const p = <usize>step(i, n, 16);
    const at = src + p * 3;
    // Four pixels (12 bytes) per load; the last group is loaded from byte 32, not 36, so
    // that no load reads past the 48 bytes of these 16 pixels.
    const q0 = luma4(group(v128.load(at), 0), weightsRG, weightB, half);
    const q1 = luma4(group(v128.load(at + 12), 0), weightsRG, weightB, half);
    const q2 = luma4(group(v128.load(at + 24), 0), weightsRG, weightB, half);
    const q3 = luma4(group(v128.load(at + 32), 4), weightsRG, weightB, half);
    v128.store(
      dst + p,
      i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(q0, q1), i16x8.narrow_i32x4_u(q2, q3))
    );
  }
}
