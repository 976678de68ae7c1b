/**
 * Separable correlation of one-channel u8 / u16 images with any float64 kernel (the Gaussian
 * of a given sigma, the unsharp mask's blur), with reflect_101 borders, then rounding half to
 * even and saturation into the image's type. Two float64 lanes per instruction, and every sum
 * is taken in the same order as the engine's separableFilter (left to right, products first),
 * so the values are the same to the bit.
 */
import { reflect101 } from './borders';
import { step } from './lanes';

/** Rounds two float64 lanes half to even into [0, max] and stores them as T at p. */
function storeRounded2<T>(p: usize, v: v128, max: f64): void {
  const r = f64x2.min(f64x2.max(f64x2.nearest(v), f64x2.splat(0)), f64x2.splat(max));
  const i = i32x4.trunc_sat_f64x2_s_zero(r);
  store<T>(p, <T>i32x4.extract_lane(i, 0));
  store<T>(p + sizeof<T>(), <T>i32x4.extract_lane(i, 1));
}

/**
 * dst = round(kernel ⊗ kernel ★ src). Scratch: `row` (w + taps f64), `sums` (h·w f64), and
 * `rows` (taps pointers). The last output of an odd-width row is computed in the pair that
 * ends at it (overlapping the pair before), so no lane reads past the row.
 */
function blurFloatOf<T>(
  src: usize,
  dst: usize,
  row: usize,
  sums: usize,
  rows: usize,
  h: i32,
  w: i32,
  kernel: usize,
  taps: i32
): void {
  const size = <usize>sizeof<T>();
  const r = taps >> 1;
  const max: f64 = sizeof<T>() == 1 ? 255 : 65535;
  for (let y = 0; y < h; y++) {
    const line = src + <usize>(y * w) * size;
    for (let i = 0; i < w + 2 * r; i++) {
      store<f64>(row + ((<usize>i) << 3), <f64>load<T>(line + <usize>reflect101(i - r, w) * size));
    }
    const out = sums + ((<usize>(y * w)) << 3);
    for (let i = 0; i < w; i += 2) {
      const x = <usize>step(i, w, 2);
      const at = row + (x << 3);
      let acc = f64x2.mul(v128.load(at), f64x2.splat(load<f64>(kernel)));
      for (let t = 1; t < taps; t++) {
        acc = f64x2.add(
          acc,
          f64x2.mul(
            v128.load(at + ((<usize>t) << 3)),
            f64x2.splat(load<f64>(kernel + ((<usize>t) << 3)))
          )
        );
      }
      v128.store(out + (x << 3), acc);
    }
  }
  for (let y = 0; y < h; y++) {
    for (let t = 0; t < taps; t++) {
      store<usize>(rows + ((<usize>t) << 2), sums + ((<usize>(reflect101(y + t - r, h) * w)) << 3));
    }
    const out = dst + <usize>(y * w) * size;
    for (let i = 0; i < w; i += 2) {
      const x = <usize>step(i, w, 2);
      let acc = f64x2.mul(v128.load(load<usize>(rows) + (x << 3)), f64x2.splat(load<f64>(kernel)));
      for (let t = 1; t < taps; t++) {
        const v = v128.load(load<usize>(rows + ((<usize>t) << 2)) + (x << 3));
        acc = f64x2.add(acc, f64x2.mul(v, f64x2.splat(load<f64>(kernel + ((<usize>t) << 3)))));
      }
      storeRounded2<T>(out + x * size, acc, max);
    }
  }
}

/**
 * The unsharp mask's last step: dst = round(src · (1 + amount) − blurred · amount) into T,
 * for n values (n ≥ 2).
 */
function unsharpOf<T>(src: usize, blurred: usize, dst: usize, n: i32, amount: f64): void {
  const size = <usize>sizeof<T>();
  const max: f64 = sizeof<T>() == 1 ? 255 : 65535;
  const gain = f64x2.splat(1 + amount);
  const a = f64x2.splat(amount);
  for (let i = 0; i < n; i += 2) {
    const x = <usize>step(i, n, 2);
    const s = f64x2.replace_lane(
      f64x2.splat(<f64>load<T>(src + x * size)),
      1,
      <f64>load<T>(src + (x + 1) * size)
    );
    const b = f64x2.replace_lane(
      f64x2.splat(<f64>load<T>(blurred + x * size)),
      1,
      <f64>load<T>(blurred + (x + 1) * size)
    );
    storeRounded2<T>(dst + x * size, f64x2.sub(f64x2.mul(s, gain), f64x2.mul(b, a)), max);
  }
}

/** blurFloat for u8 (size 1) or u16 (size 2) values. */
export function blurFloat(
  size: i32,
  src: usize,
  dst: usize,
  row: usize,
  sums: usize,
  rows: usize,
  h: i32,
  w: i32,
  kernel: usize,
  taps: i32
): void {
  if (size == 1) blurFloatOf<u8>(src, dst, row, sums, rows, h, w, kernel, taps);
  else blurFloatOf<u16>(src, dst, row, sums, rows, h, w, kernel, taps);
}

/** unsharp for u8 (size 1) or u16 (size 2) values. */
export function unsharp(
  size: i32,
  src: usize,
  blurred: usize,
  dst: usize,
  n: i32,
  amount: f64
): void {
  if (size == 1) unsharpOf<u8>(src, blurred, dst, n, amount);
  else unsharpOf<u16>(src, blurred, dst, n, amount);
}
