/**
 * Linear maps of u8 / u16 images to float32, and the exact sums behind a mean and a variance:
 * rescale, min-max normalization and z-score (kernel/src/engine/modules). Tables of 65536
 * float32 values (256 KB) made every uint16 pixel a load from L2; these compute instead.
 * Also the store of float64 results added to an image (Gaussian noise).
 */
import { load4 } from './lanes';

/**
 * dst = (src − a) · s + b in float32 arithmetic (each step rounded to float32, as numpy on a
 * float32 array), clamped to [lo, hi]; u8 (size 1) or u16 (size 2) values, n of them.
 */
export function affineF32(
  size: i32,
  src: usize,
  dst: usize,
  n: i32,
  a: f32,
  s: f32,
  b: f32,
  lo: f32,
  hi: f32
): void {
  const va = f32x4.splat(a);
  const vs = f32x4.splat(s);
  const vb = f32x4.splat(b);
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  let i = 0;
  if (size == 1) {
    for (; i + 16 <= n; i += 16) {
      const v = v128.load(src + <usize>i);
      const l = i16x8.extend_low_i8x16_u(v);
      const h = i16x8.extend_high_i8x16_u(v);
      const to = dst + ((<usize>i) << 2);
      v128.store(to, affine4(i32x4.extend_low_i16x8_u(l), va, vs, vb, vlo, vhi));
      v128.store(to, affine4(i32x4.extend_high_i16x8_u(l), va, vs, vb, vlo, vhi), 16);
      v128.store(to, affine4(i32x4.extend_low_i16x8_u(h), va, vs, vb, vlo, vhi), 32);
      v128.store(to, affine4(i32x4.extend_high_i16x8_u(h), va, vs, vb, vlo, vhi), 48);
    }
  } else {
    for (; i + 8 <= n; i += 8) {
      const v = v128.load(src + ((<usize>i) << 1));
      const to = dst + ((<usize>i) << 2);
      v128.store(to, affine4(i32x4.extend_low_i16x8_u(v), va, vs, vb, vlo, vhi));
      v128.store(to, affine4(i32x4.extend_high_i16x8_u(v), va, vs, vb, vlo, vhi), 16);
    }
  }
  for (; i < n; i++) {
    const v = size == 1 ? <i32>load<u8>(src + <usize>i) : <i32>load<u16>(src + ((<usize>i) << 1));
    const y = (<f32>v - a) * s + b;
    store<f32>(dst + ((<usize>i) << 2), y < lo ? lo : hi < y ? hi : y);
  }
}

/** affineF32 of four i32 lanes. pmax / pmin are one instruction each (min / max are not). */
function affine4(x: v128, a: v128, s: v128, b: v128, lo: v128, hi: v128): v128 {
  const y = f32x4.add(f32x4.mul(f32x4.sub(f32x4.convert_i32x4_s(x), a), s), b);
  return f32x4.pmin(f32x4.pmax(y, lo), hi);
}

/**
 * dst = float32((src − a) · s) with the subtraction and product in float64 (one rounding, to
 * float32, at the end), for n u16 values: z-scores as the engine defines them.
 */
export function scaledF32U16(src: usize, dst: usize, n: i32, a: f64, s: f64): void {
  const va = f64x2.splat(a);
  const vs = f64x2.splat(s);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v = v128.load(src + ((<usize>i) << 1));
    const l = i32x4.extend_low_i16x8_u(v);
    const h = i32x4.extend_high_i16x8_u(v);
    const to = dst + ((<usize>i) << 2);
    v128.store(to, scaled4(l, va, vs));
    v128.store(to, scaled4(h, va, vs), 16);
  }
  for (; i < n; i++) {
    const v = <f64>load<u16>(src + ((<usize>i) << 1));
    store<f32>(dst + ((<usize>i) << 2), <f32>((v - a) * s));
  }
}

/** scaledF32U16 of four i32 lanes: two float64 pairs, each demoted, joined into one vector. */
function scaled4(x: v128, a: v128, s: v128): v128 {
  const high = i8x16.shuffle(x, x, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  const p = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.sub(f64x2.convert_low_i32x4_s(x), a), s));
  const q = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.sub(f64x2.convert_low_i32x4_s(high), a), s));
  return i8x16.shuffle(p, q, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

/**
 * Σ v and Σ v² (exact, u64) of n u16 values, and their smallest and largest: out holds four
 * u64 (sum, sum of squares, min, max).
 */
export function statsU16(src: usize, n: i32, out: usize): void {
  let s1 = i64x2.splat(0);
  let s2 = i64x2.splat(0);
  let lo = i16x8.splat(-1);
  let hi = i16x8.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v = v128.load(src + ((<usize>i) << 1));
    lo = i16x8.min_u(lo, v);
    hi = i16x8.max_u(hi, v);
    // Pairs summed into u32 lanes (≤ 131070), then into the u64 sums.
    const pairs = i32x4.extadd_pairwise_i16x8_u(v);
    s1 = i64x2.add(
      s1,
      i64x2.add(i64x2.extend_low_i32x4_u(pairs), i64x2.extend_high_i32x4_u(pairs))
    );
    const l = i32x4.extend_low_i16x8_u(v);
    const h = i32x4.extend_high_i16x8_u(v);
    const sl = i64x2.add(i64x2.extmul_low_i32x4_u(l, l), i64x2.extmul_high_i32x4_u(l, l));
    const sh = i64x2.add(i64x2.extmul_low_i32x4_u(h, h), i64x2.extmul_high_i32x4_u(h, h));
    s2 = i64x2.add(s2, i64x2.add(sl, sh));
  }
  let sum = i64x2.extract_lane(s1, 0) + i64x2.extract_lane(s1, 1);
  let squares = i64x2.extract_lane(s2, 0) + i64x2.extract_lane(s2, 1);
  let least: u64 = 65535;
  let most: u64 = 0;
  if (i >= 8) {
    // The lanes' extremes through `out`, which the results overwrite below.
    v128.store(out, lo);
    v128.store(out, hi, 16);
    for (let k: usize = 0; k < 16; k += 2) {
      const a = <u64>load<u16>(out + k);
      const b = <u64>load<u16>(out + 16 + k);
      if (a < least) least = a;
      if (b > most) most = b;
    }
  }
  for (; i < n; i++) {
    const v = <u64>load<u16>(src + ((<usize>i) << 1));
    sum += v;
    squares += v * v;
    if (v < least) least = v;
    if (v > most) most = v;
  }
  store<u64>(out, sum);
  store<u64>(out, squares, 8);
  store<u64>(out, least, 16);
  store<u64>(out, most, 24);
}

/**
 * dst = src + offsets (float64), rounded half to even and saturated to the type, as the engine
 * stores float results (storeAs): u8 (size 1) or u16 (size 2) values, n of them. Gaussian
 * noise adds its draws this way. The rounding is the add of 2^52 to a value clamped to
 * [0, max], whose low 32 bits are then the integer; V8 expands f64x2 → i32x4 truncation
 * into several instructions.
 */
export function addRoundedF64(size: i32, src: usize, offsets: usize, dst: usize, n: i32): void {
  if (size == 1) addRoundedOf<u8>(src, offsets, dst, n);
  else addRoundedOf<u16>(src, offsets, dst, n);
}

function addRoundedOf<T>(src: usize, offsets: usize, dst: usize, n: i32): void {
  const top: f64 = sizeof<T>() == 1 ? 255 : 65535;
  const max = f64x2.splat(top);
  const zero = f64x2.splat(0);
  const magic = f64x2.splat(4503599627370496.0); // 2^52
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = load4<T>(src + ((<usize>i) << alignof<T>()));
    const at = offsets + ((<usize>i) << 3);
    const lo = f64x2.add(f64x2.convert_low_i32x4_s(v), v128.load(at));
    const hi = f64x2.add(
      f64x2.convert_low_i32x4_s(v128.shuffle<i32>(v, v, 2, 3, 2, 3)),
      v128.load(at, 16)
    );
    const a = f64x2.add(f64x2.pmin(f64x2.pmax(lo, zero), max), magic);
    const b = f64x2.add(f64x2.pmin(f64x2.pmax(hi, zero), max), magic);
    const ints = v128.shuffle<i32>(a, b, 0, 2, 4, 6);
    const words = i16x8.narrow_i32x4_u(ints, ints);
    if (sizeof<T>() == 1) v128.store32_lane(dst + <usize>i, i8x16.narrow_i16x8_u(words, words), 0);
    else v128.store64_lane(dst + ((<usize>i) << 1), words, 0);
  }
  for (; i < n; i++) {
    const v =
      <f64>load<T>(src + ((<usize>i) << alignof<T>())) + load<f64>(offsets + ((<usize>i) << 3));
    store<T>(
      dst + ((<usize>i) << alignof<T>()),
      <T>(v <= 0 ? 0 : v >= top ? top : nearest<f64>(v))
    );
  }
}
