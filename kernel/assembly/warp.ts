/**
 * cv2.warpAffine of one-channel u8 / u16 images (output of the input's size), nearest or
 * bilinear at 1/32 pixel, pixels mapped from outside the image taking `fill`: the same
 * arithmetic as kernel/src/engine/modules/warp.ts. There the bilinear weights are multiples
 * of 1/32, so its float64 values are exact multiples of 1/1024; here they are the same
 * integers, scaled by 1024, rounded half to even at the end.
 */

/** The source value at (x, y), or fill outside the image. */
function sample<T>(src: usize, h: i32, w: i32, x: i32, y: i32, fill: i32): i32 {
  if (x < 0 || x >= w || y < 0 || y >= h) return fill;
  return <i32>load<T>(src + <usize>(y * w + x) * sizeof<T>());
}

/**
 * The bilinear value at X, Y (in 1/32 pixel): the four neighbours weighted by the fractions,
 * the sum (in 1/1024) rounded half to even; neighbours outside the image take fill.
 */
function bilinearAt<T>(src: usize, h: i32, w: i32, X: i32, Y: i32, fill: i32): i32 {
  const size = <usize>sizeof<T>();
  const sx = X >> 5;
  const sy = Y >> 5;
  const fx = X & 31;
  const fy = Y & 31;
  let s00: i32, s01: i32, s10: i32, s11: i32;
  if (sx >= 0 && sx < w - 1 && sy >= 0 && sy < h - 1) {
    const p = src + <usize>(sy * w + sx) * size;
    const q = p + <usize>w * size;
    s00 = <i32>load<T>(p);
    s01 = <i32>load<T>(p + size);
    s10 = <i32>load<T>(q);
    s11 = <i32>load<T>(q + size);
  } else {
    s00 = sample<T>(src, h, w, sx, sy, fill);
    s01 = sample<T>(src, h, w, sx + 1, sy, fill);
    s10 = sample<T>(src, h, w, sx, sy + 1, fill);
    s11 = sample<T>(src, h, w, sx + 1, sy + 1, fill);
  }
  const top = s00 * (32 - fx) + s01 * fx;
  const bottom = s10 * (32 - fx) + s11 * fx;
  const sum = top * (32 - fy) + bottom * fy;
  // sum / 1024 rounded half to even.
  return (sum + 511 + ((sum >> 10) & 1)) >> 10;
}

/**
 * Two horizontally adjacent values of T at p, as one u32 lane (the first in the low half):
 * a u8 pair is one 16-bit load, a u16 pair one 32-bit load.
 */
function pairAt<T>(p: usize): u32 {
  return sizeof<T>() == 1 ? <u32>load<u16>(p) : load<u32>(p);
}

/**
 * One output row of the bilinear warp, four pixels per step where all four have their four
 * neighbours inside the image (the common case away from the borders): coordinates, weights
 * and sums in i32 lanes, the neighbours gathered as pairs. Other pixels go through
 * bilinearAt. Same integers, same values.
 */
function bilinearRow<T>(
  src: usize,
  out: usize,
  ax: usize,
  dx: usize,
  h: i32,
  w: i32,
  rx: i32,
  ry: i32,
  fill: i32
): void {
  const size = <usize>sizeof<T>();
  const shift = <u32>(sizeof<T>() << 3);
  const low = i32x4.splat(sizeof<T>() == 1 ? 0xff : 0xffff);
  const offsetX = i32x4.splat(rx + 16);
  const offsetY = i32x4.splat(ry + 16);
  const lastX = i32x4.splat(w - 1);
  const lastY = i32x4.splat(h - 1);
  const width = i32x4.splat(w);
  const thirtyOne = i32x4.splat(31);
  const thirtyTwo = i32x4.splat(32);
  const stride = <usize>w * size;
  let x = 0;
  for (; x + 4 <= w; x += 4) {
    const X = i32x4.shr_s(i32x4.add(v128.load(ax + ((<usize>x) << 2)), offsetX), 5);
    const Y = i32x4.shr_s(i32x4.add(v128.load(dx + ((<usize>x) << 2)), offsetY), 5);
    const sx = i32x4.shr_s(X, 5);
    const sy = i32x4.shr_s(Y, 5);
    // 0 ≤ sx < w − 1 and 0 ≤ sy < h − 1 in one unsigned comparison each.
    const inside = v128.and(i32x4.lt_u(sx, lastX), i32x4.lt_u(sy, lastY));
    if (!i32x4.all_true(inside)) {
      for (let k = 0; k < 4; k++) {
        const v = bilinearAt<T>(
          src,
          h,
          w,
          (rx + load<i32>(ax + ((<usize>(x + k)) << 2)) + 16) >> 5,
          (ry + load<i32>(dx + ((<usize>(x + k)) << 2)) + 16) >> 5,
          fill
        );
        store<T>(out + <usize>(x + k) * size, <T>v);
      }
      continue;
    }
    const at = i32x4.add(i32x4.mul(sy, width), sx);
    const p0 = src + <usize>i32x4.extract_lane(at, 0) * size;
    const p1 = src + <usize>i32x4.extract_lane(at, 1) * size;
    const p2 = src + <usize>i32x4.extract_lane(at, 2) * size;
    const p3 = src + <usize>i32x4.extract_lane(at, 3) * size;
    let top = i32x4.splat(<i32>pairAt<T>(p0));
    top = i32x4.replace_lane(top, 1, <i32>pairAt<T>(p1));
    top = i32x4.replace_lane(top, 2, <i32>pairAt<T>(p2));
    top = i32x4.replace_lane(top, 3, <i32>pairAt<T>(p3));
    let bottom = i32x4.splat(<i32>pairAt<T>(p0 + stride));
    bottom = i32x4.replace_lane(bottom, 1, <i32>pairAt<T>(p1 + stride));
    bottom = i32x4.replace_lane(bottom, 2, <i32>pairAt<T>(p2 + stride));
    bottom = i32x4.replace_lane(bottom, 3, <i32>pairAt<T>(p3 + stride));
    const fx = v128.and(X, thirtyOne);
    const fy = v128.and(Y, thirtyOne);
    const gx = i32x4.sub(thirtyTwo, fx);
    const t = i32x4.add(i32x4.mul(v128.and(top, low), gx), i32x4.mul(i32x4.shr_u(top, shift), fx));
    const b = i32x4.add(
      i32x4.mul(v128.and(bottom, low), gx),
      i32x4.mul(i32x4.shr_u(bottom, shift), fx)
    );
    const sum = i32x4.add(i32x4.mul(t, i32x4.sub(thirtyTwo, fy)), i32x4.mul(b, fy));
    // sum / 1024 rounded half to even.
    const odd = v128.and(i32x4.shr_s(sum, 10), i32x4.splat(1));
    const v = i32x4.shr_s(i32x4.add(sum, i32x4.add(i32x4.splat(511), odd)), 10);
    const halves = i16x8.narrow_i32x4_u(v, v);
    if (sizeof<T>() == 1) {
      v128.store32_lane(out + <usize>x, i8x16.narrow_i16x8_u(halves, halves), 0);
    } else {
      v128.store64_lane(out + ((<usize>x) << 1), halves, 0);
    }
  }
  for (; x < w; x++) {
    const X = (rx + load<i32>(ax + ((<usize>x) << 2)) + 16) >> 5;
    const Y = (ry + load<i32>(dx + ((<usize>x) << 2)) + 16) >> 5;
    store<T>(out + <usize>x * size, <T>bilinearAt<T>(src, h, w, X, Y, fill));
  }
}

/**
 * dst (h×w) sampled at the inverse map: column parts ax, dx (i32 per column, in 1/1024
 * pixel) and row parts from (b, c, e, f), rounded to 1/1024 per row as OpenCV does.
 */
function warpOf<T>(
  src: usize,
  dst: usize,
  ax: usize,
  dx: usize,
  h: i32,
  w: i32,
  b: f64,
  c: f64,
  e: f64,
  f: f64,
  fill: i32,
  bilinear: bool
): void {
  const size = <usize>sizeof<T>();
  for (let y = 0; y < h; y++) {
    const rx = <i32>nearest((b * <f64>y + c) * 1024);
    const ry = <i32>nearest((e * <f64>y + f) * 1024);
    const out = dst + <usize>(y * w) * size;
    if (bilinear) {
      bilinearRow<T>(src, out, ax, dx, h, w, rx, ry, fill);
      continue;
    }
    for (let x = 0; x < w; x++) {
      const cx = load<i32>(ax + ((<usize>x) << 2));
      const cy = load<i32>(dx + ((<usize>x) << 2));
      // Half a pixel added before the shift: rounds to the nearest source pixel.
      const v = sample<T>(src, h, w, (rx + cx + 512) >> 10, (ry + cy + 512) >> 10, fill);
      store<T>(out + <usize>x * size, <T>v);
    }
  }
}

/** warp for u8 (size 1) or u16 (size 2) values. */
export function warp(
  size: i32,
  src: usize,
  dst: usize,
  ax: usize,
  dx: usize,
  h: i32,
  w: i32,
  b: f64,
  c: f64,
  e: f64,
  f: f64,
  fill: i32,
  bilinear: bool
): void {
  if (size == 1) warpOf<u8>(src, dst, ax, dx, h, w, b, c, e, f, fill, bilinear);
  else warpOf<u16>(src, dst, ax, dx, h, w, b, c, e, f, fill, bilinear);
}
