/**
 * The unsharp mask's last step on one-channel u8 / u16 images, as cv2.addWeighted computes it
 * for 8- and 16-bit images: src · α + blurred · β in float32 (α = 1 + amount, β = −amount),
 * rounded half to even and saturated into the image's type. The engine's fallback makes the
 * same float32 roundings (Math.fround), so the values are the same to the bit.
 */
import { step } from './lanes';

/** round(s · α + b · β) of four u32 lanes, as i32 lanes (negative where it saturates to 0). */
function weighted4(s: v128, b: v128, alpha: v128, beta: v128): v128 {
  const sum = f32x4.add(
    f32x4.mul(f32x4.convert_i32x4_u(s), alpha),
    f32x4.mul(f32x4.convert_i32x4_u(b), beta)
  );
  return i32x4.trunc_sat_f32x4_s(f32x4.nearest(sum));
}

/** dst = round(src · α + blurred · β) for n u8 values (n ≥ 16), 16 per step. */
function unsharpU8(src: usize, blurred: usize, dst: usize, n: i32, alpha: v128, beta: v128): void {
  for (let i = 0; i < n; i += 16) {
    const x = <usize>step(i, n, 16);
    const s = v128.load(src + x);
    const b = v128.load(blurred + x);
    const sLo = i16x8.extend_low_i8x16_u(s);
    const sHi = i16x8.extend_high_i8x16_u(s);
    const bLo = i16x8.extend_low_i8x16_u(b);
    const bHi = i16x8.extend_high_i8x16_u(b);
    const lo = i16x8.narrow_i32x4_s(
      weighted4(i32x4.extend_low_i16x8_u(sLo), i32x4.extend_low_i16x8_u(bLo), alpha, beta),
      weighted4(i32x4.extend_high_i16x8_u(sLo), i32x4.extend_high_i16x8_u(bLo), alpha, beta)
    );
    const hi = i16x8.narrow_i32x4_s(
      weighted4(i32x4.extend_low_i16x8_u(sHi), i32x4.extend_low_i16x8_u(bHi), alpha, beta),
      weighted4(i32x4.extend_high_i16x8_u(sHi), i32x4.extend_high_i16x8_u(bHi), alpha, beta)
    );
    v128.store(dst + x, i8x16.narrow_i16x8_u(lo, hi));
  }
}

/** dst = round(src · α + blurred · β) for n u16 values (n ≥ 8), 8 per step. */
function unsharpU16(src: usize, blurred: usize, dst: usize, n: i32, alpha: v128, beta: v128): void {
  for (let i = 0; i < n; i += 8) {
    const x = (<usize>step(i, n, 8)) << 1;
    const s = v128.load(src + x);
    const b = v128.load(blurred + x);
    v128.store(
      dst + x,
      i16x8.narrow_i32x4_u(
        weighted4(i32x4.extend_low_i16x8_u(s), i32x4.extend_low_i16x8_u(b), alpha, beta),
        weighted4(i32x4.extend_high_i16x8_u(s), i32x4.extend_high_i16x8_u(b), alpha, beta)
      )
    );
  }
}

/** The unsharp step for u8 (size 1, n ≥ 16) or u16 (size 2, n ≥ 8) values. */
export function unsharp(
  size: i32,
  src: usize,
  blurred: usize,
  dst: usize,
  n: i32,
  alpha: f32,
  beta: f32
): void {
  const a = f32x4.splat(alpha);
  const b = f32x4.splat(beta);
  if (size == 1) unsharpU8(src, blurred, dst, n, a, b);
  else unsharpU16(src, blurred, dst, n, a, b);
}
