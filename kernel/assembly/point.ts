/**
 * Per-pixel kernels on u8 / u16 images: table lookups (to the same type or to float32),
 * histograms, extremes, and bitwise xor / and (invert over the full range, bit reduction). Memory-bound
 * work: what wasm gains over V8 here is cheap byte loads and stores, no bounds checks, and 16
 * bytes per instruction for the bitwise ones.
 */
import { lanesOf, smax, smin, step, vmax, vmin } from './lanes';

/** dst[i] = table[src[i]] for n u8 values, four per 32-bit word. */
export function lookupU8(src: usize, dst: usize, table: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = load<u32>(src + <usize>i);
    store<u32>(
      dst + <usize>i,
      (<u32>load<u8>(table + (v & 255))) |
        ((<u32>load<u8>(table + ((v >> 8) & 255))) << 8) |
        ((<u32>load<u8>(table + ((v >> 16) & 255))) << 16) |
        ((<u32>load<u8>(table + (v >> 24))) << 24)
    );
  }
  for (; i < n; i++) store<u8>(dst + <usize>i, load<u8>(table + load<u8>(src + <usize>i)));
}

/** dst[i] = table[src[i]] for n u16 values (a 65536-entry u16 table). */
export function lookupU16(src: usize, dst: usize, table: usize, n: i32): void {
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const v = load<u32>(src + ((<usize>i) << 1));
    store<u32>(
      dst + ((<usize>i) << 1),
      (<u32>load<u16>(table + ((v & 0xffff) << 1))) |
        ((<u32>load<u16>(table + ((v >> 16) << 1))) << 16)
    );
  }
  if (i < n)
    store<u16>(
      dst + ((<usize>i) << 1),
      load<u16>(table + ((<usize>load<u16>(src + ((<usize>i) << 1))) << 1))
    );
}

/** dst[i] = table[src[i]] (float32) for n u8 values. */
export function lookupU8F32(src: usize, dst: usize, table: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<f32>(
      dst + ((<usize>i) << 2),
      load<f32>(table + ((<usize>load<u8>(src + <usize>i)) << 2))
    );
  }
}

/** dst[i] = table[src[i]] (float32) for n u16 values. */
export function lookupU16F32(src: usize, dst: usize, table: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    store<f32>(
      dst + ((<usize>i) << 2),
      load<f32>(table + ((<usize>load<u16>(src + ((<usize>i) << 1))) << 2))
    );
  }
}

/**
 * dst[i] = table[src[i] ^ flip] (u8) for n u16 values and a 65536-entry u8 table; flip 0x8000
 * turns int16 bit patterns into the value + 32768 that indexes the table. Four values per
 * 8-byte load.
 */
export function lookupU16U8(src: usize, dst: usize, table: usize, n: i32, flip: u32): void {
  const f = <u64>flip * 0x0001000100010001;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = load<u64>(src + ((<usize>i) << 1)) ^ f;
    store<u32>(
      dst + <usize>i,
      (<u32>load<u8>(table + <usize>(v & 0xffff))) |
        ((<u32>load<u8>(table + <usize>((v >> 16) & 0xffff))) << 8) |
        ((<u32>load<u8>(table + <usize>((v >> 32) & 0xffff))) << 16) |
        ((<u32>load<u8>(table + <usize>(v >> 48))) << 24)
    );
  }
  for (; i < n; i++) {
    store<u8>(dst + <usize>i, load<u8>(table + <usize>(load<u16>(src + ((<usize>i) << 1)) ^ flip)));
  }
}

/**
 * Counts of each u8 value into hist (256 u32). Eight interleaved sub-histograms (scratch after
 * hist, 7 × 1 KiB), filled from one 8-byte load, keep successive equal pixels from waiting on
 * each other's increments (Otsu on 256² uint8: 3-5 % faster than four).
 */
export function histogramU8(src: usize, hist: usize, n: i32): void {
  memory.fill(hist, 0, 8192);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v = load<u64>(src + <usize>i);
    const lo = <u32>v;
    const hi = <u32>(v >> 32);
    const a = hist + ((lo & 255) << 2);
    const b = hist + 1024 + (((lo >> 8) & 255) << 2);
    const c = hist + 2048 + (((lo >> 16) & 255) << 2);
    const d = hist + 3072 + ((lo >> 24) << 2);
    const e = hist + 4096 + ((hi & 255) << 2);
    const f = hist + 5120 + (((hi >> 8) & 255) << 2);
    const g = hist + 6144 + (((hi >> 16) & 255) << 2);
    const h = hist + 7168 + ((hi >> 24) << 2);
    store<u32>(a, load<u32>(a) + 1);
    store<u32>(b, load<u32>(b) + 1);
    store<u32>(c, load<u32>(c) + 1);
    store<u32>(d, load<u32>(d) + 1);
    store<u32>(e, load<u32>(e) + 1);
    store<u32>(f, load<u32>(f) + 1);
    store<u32>(g, load<u32>(g) + 1);
    store<u32>(h, load<u32>(h) + 1);
  }
  for (; i < n; i++) {
    const a = hist + ((<usize>load<u8>(src + <usize>i)) << 2);
    store<u32>(a, load<u32>(a) + 1);
  }
  for (let k = 0; k < 1024; k += 16) {
    const at = hist + <usize>k;
    const s0 = i32x4.add(v128.load(at), v128.load(at + 1024));
    const s1 = i32x4.add(v128.load(at + 2048), v128.load(at + 3072));
    const s2 = i32x4.add(v128.load(at + 4096), v128.load(at + 5120));
    const s3 = i32x4.add(v128.load(at + 6144), v128.load(at + 7168));
    v128.store(at, i32x4.add(i32x4.add(s0, s1), i32x4.add(s2, s3)));
  }
}

/** Counts of each u16 value into hist (65536 u32). */
export function histogramU16(src: usize, hist: usize, n: i32): void {
  memory.fill(hist, 0, 65536 << 2);
  for (let i = 0; i < n; i++) {
    const a = hist + ((<usize>load<u16>(src + ((<usize>i) << 1))) << 2);
    store<u32>(a, load<u32>(a) + 1);
  }
}

/** dst = src ^ mask (or & mask, when `and`) over `bytes` bytes, mask a 32-bit pattern. */
export function bitwise(src: usize, dst: usize, bytes: i32, mask: i32, and: bool): void {
  const m = i32x4.splat(mask);
  // One loop per operation: a choice inside the loop cost as much as the operation itself.
  let i = and ? maskVectors<And>(src, dst, bytes, m) : maskVectors<Xor>(src, dst, bytes, m);
  for (; i < bytes; i++) {
    const v = load<u8>(src + <usize>i);
    const b = <u8>(mask >>> ((i & 3) << 3));
    store<u8>(dst + <usize>i, and ? v & b : v ^ b);
  }
}

/** Type arguments of maskVectors: each instance's loop holds one kind of instruction. */
class And {}
class Xor {}

/** v & m or v ^ m, chosen when the generic is instantiated. */
function maskOf<Op>(v: v128, m: v128): v128 {
  return idof<Op>() == idof<And>() ? v128.and(v, m) : v128.xor(v, m);
}

/**
 * dst = src op m over the whole vectors of `bytes`; returns the bytes done. Four vectors a
 * step: with one, the loop's own count, compare and branch took as long as the load, the
 * operation and the store (64 KB: 1.6 µs, now 0.8).
 */
function maskVectors<Op>(src: usize, dst: usize, bytes: i32, m: v128): i32 {
  let i = 0;
  for (; i + 64 <= bytes; i += 64) {
    const s = src + <usize>i;
    const d = dst + <usize>i;
    v128.store(d, maskOf<Op>(v128.load(s), m));
    v128.store(d, maskOf<Op>(v128.load(s, 16), m), 16);
    v128.store(d, maskOf<Op>(v128.load(s, 32), m), 32);
    v128.store(d, maskOf<Op>(v128.load(s, 48), m), 48);
  }
  for (; i + 16 <= bytes; i += 16) {
    v128.store(dst + <usize>i, maskOf<Op>(v128.load(src + <usize>i), m));
  }
  return i;
}

/** binaryOf for one type: dst = src > t ? on : off, t an integer in [0, max of T). */
function binaryOf<T>(src: usize, dst: usize, n: i32, t: i32, on: i32, off: i32): void {
  const size = <usize>sizeof<T>();
  const lanes = 16 / sizeof<T>();
  const limit = sizeof<T>() == 1 ? i8x16.splat(<i8>t) : i16x8.splat(<i16>t);
  const yes = sizeof<T>() == 1 ? i8x16.splat(<i8>on) : i16x8.splat(<i16>on);
  const no = sizeof<T>() == 1 ? i8x16.splat(<i8>off) : i16x8.splat(<i16>off);
  let i = 0;
  for (; i + lanes <= n; i += lanes) {
    const v = v128.load(src + <usize>i * size);
    const above = sizeof<T>() == 1 ? i8x16.gt_u(v, limit) : i16x8.gt_u(v, limit);
    v128.store(dst + <usize>i * size, v128.bitselect(yes, no, above));
  }
  for (; i < n; i++) {
    store<T>(dst + <usize>i * size, <T>(<i32>load<T>(src + <usize>i * size) > t ? on : off));
  }
}

/**
 * cv2.threshold's binary map of n u8 (size 1) or u16 (size 2) values: on where the value is
 * above t (an integer in [0, max)), else off.
 */
export function binary(size: i32, src: usize, dst: usize, n: i32, t: i32, on: i32, off: i32): void {
  if (size == 1) binaryOf<u8>(src, dst, n, t, on, off);
  else binaryOf<u16>(src, dst, n, t, on, off);
}

/**
 * Smallest and largest of n values of T (n ≥ one vector) as u32 into out[0] and out[1]; out
 * must have 32 bytes (the lane-wise extremes are reduced there).
 */
function extremesOf<T>(src: usize, n: i32, out: usize): void {
  const size = <usize>sizeof<T>();
  const lanes = lanesOf<T>();
  let lo = v128.load(src);
  let hi = lo;
  for (let i = lanes; i < n; i += lanes) {
    // The last vector overlaps the one before instead of reading past the end.
    const v = v128.load(src + <usize>step(i, n, lanes) * size);
    lo = vmin<T>(lo, v);
    hi = vmax<T>(hi, v);
  }
  v128.store(out, lo);
  v128.store(out, hi, 16);
  let min: u32 = <u32>load<T>(out);
  let max: u32 = <u32>load<T>(out + 16);
  for (let k: usize = size; k < 16; k += size) {
    min = smin<u32>(min, <u32>load<T>(out + k));
    max = smax<u32>(max, <u32>load<T>(out + 16 + k));
  }
  store<u32>(out, min);
  store<u32>(out, max, 4);
}

/** extremesOf for u8 (size 1) or u16 (size 2) values. */
export function extremes(size: i32, src: usize, n: i32, out: usize): void {
  if (size == 1) extremesOf<u8>(src, n, out);
  else extremesOf<u16>(src, n, out);
}

/**
 * dst = src · a + b in float32 (the product rounded to float32, then the sum), rounded half
 * to even and saturated to the type: u8 (size 1) or u16 (size 2) values. The caller checks
 * that this equals its exact rule for every value of the type (modules/linear_function.ts).
 */
export function linearF32(size: i32, src: usize, dst: usize, n: i32, a: f32, b: f32): void {
  if (size == 1) linearU8(src, dst, n, a, b);
  else linearU16(src, dst, n, a, b);
}

/**
 * a·x + b clamped to [0, max] and rounded half to even, as i32 lanes. The rounding is the
 * float32 add of 2^23, whose result has a step of 1 (its bits are then 2^23's plus the
 * integer); V8 expands f32x4.nearest with i32x4.trunc_sat into a dozen instructions, and the
 * pseudo-min/max (pmin, pmax) are one each.
 */
function affine(x: v128, a: v128, b: v128, max: v128): v128 {
  const y = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(x), a), b);
  const clamped = f32x4.pmin(f32x4.pmax(y, f32x4.splat(0)), max);
  return i32x4.sub(f32x4.add(clamped, f32x4.splat(8388608)), i32x4.splat(0x4b000000));
}

/** The scalar rule of linearF32 for the last values, saturated to [0, max]. */
function affineScalar(v: i32, a: f32, b: f32, max: f32): i32 {
  const y = nearest<f32>(<f32>v * a + b);
  return y <= 0 ? 0 : y >= max ? <i32>max : <i32>y;
}

function linearU8(src: usize, dst: usize, n: i32, a: f32, b: f32): void {
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  const max = f32x4.splat(255);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const v = v128.load(src + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(v);
    const hi = i16x8.extend_high_i8x16_u(v);
    const r0 = affine(i32x4.extend_low_i16x8_u(lo), va, vb, max);
    const r1 = affine(i32x4.extend_high_i16x8_u(lo), va, vb, max);
    const r2 = affine(i32x4.extend_low_i16x8_u(hi), va, vb, max);
    const r3 = affine(i32x4.extend_high_i16x8_u(hi), va, vb, max);
    const s0 = i16x8.narrow_i32x4_s(r0, r1);
    const s1 = i16x8.narrow_i32x4_s(r2, r3);
    v128.store(dst + <usize>i, i8x16.narrow_i16x8_u(s0, s1));
  }
  for (; i < n; i++) {
    store<u8>(dst + <usize>i, <u8>affineScalar(<i32>load<u8>(src + <usize>i), a, b, 255));
  }
}

function linearU16(src: usize, dst: usize, n: i32, a: f32, b: f32): void {
  const va = f32x4.splat(a);
  const vb = f32x4.splat(b);
  const max = f32x4.splat(65535);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const at = (<usize>i) << 1;
    const v = v128.load(src + at);
    const r0 = affine(i32x4.extend_low_i16x8_u(v), va, vb, max);
    const r1 = affine(i32x4.extend_high_i16x8_u(v), va, vb, max);
    v128.store(dst + at, i16x8.narrow_i32x4_u(r0, r1));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 1;
    store<u16>(dst + at, <u16>affineScalar(<i32>load<u16>(src + at), a, b, 65535));
  }
}
