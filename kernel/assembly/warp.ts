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
    for (let x = 0; x < w; x++) {
      const cx = load<i32>(ax + ((<usize>x) << 2));
      const cy = load<i32>(dx + ((<usize>x) << 2));
      let v: i32;
      if (!bilinear) {
        // Half a pixel added before the shift: rounds to the nearest source pixel.
        v = sample<T>(src, h, w, (rx + cx + 512) >> 10, (ry + cy + 512) >> 10, fill);
      } else {
        const X = (rx + cx + 16) >> 5;
        const Y = (ry + cy + 16) >> 5;
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
        v = (sum + 511 + ((sum >> 10) & 1)) >> 10;
      }
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
