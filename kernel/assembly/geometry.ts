/**
 * Exact geometric copies of one-channel u8 / u16 images: flips (cv2.flip) with each row
 * reversed by a lane shuffle, and quarter turns (cv2.rotate) in 32×32 tiles so that the
 * column-wise reads stay in cache. The same results as flip.ts and rotate.ts in
 * kernel/src/engine/modules.
 */
import { lanesOf, step } from './lanes';

/** The lanes of v in reverse order (values of T). */
function reverseLanes<T>(v: v128): v128 {
  if (sizeof<T>() == 1)
    return i8x16.shuffle(v, v, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  return i8x16.shuffle(v, v, 14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1);
}

/** dst = src mirrored left-right (fx) and/or top-bottom (fy); rows of at least one vector. */
function flipOf<T>(src: usize, dst: usize, h: i32, w: i32, fx: bool, fy: bool): void {
  const size = <usize>sizeof<T>();
  const lanes = lanesOf<T>();
  const stride = <usize>w * size;
  for (let y = 0; y < h; y++) {
    const from = src + <usize>(fy ? h - 1 - y : y) * stride;
    const to = dst + <usize>y * stride;
    if (!fx) {
      memory.copy(to, from, stride);
      continue;
    }
    for (let i = 0; i < w; i += lanes) {
      const x = step(i, w, lanes);
      const v = v128.load(from + <usize>(w - x - lanes) * size);
      v128.store(to + <usize>x * size, reverseLanes<T>(v));
    }
  }
}

/**
 * A quarter turn: dst (w × h) = src rotated 90° counter-clockwise (ccw) or clockwise.
 * 90° CCW: dst[y][x] = src[x][w − 1 − y]; clockwise: dst[y][x] = src[h − 1 − x][y].
 */
function quarterTurnOf<T>(src: usize, dst: usize, h: i32, w: i32, ccw: bool): void {
  const size = <usize>sizeof<T>();
  const tile = 32;
  for (let y0 = 0; y0 < w; y0 += tile) {
    const y1 = min(w, y0 + tile);
    for (let x0 = 0; x0 < h; x0 += tile) {
      const x1 = min(h, x0 + tile);
      for (let y = y0; y < y1; y++) {
        let d = dst + <usize>(y * h + x0) * size;
        if (ccw) {
          let s = src + <usize>(x0 * w + (w - 1 - y)) * size;
          for (let x = x0; x < x1; x++) {
            store<T>(d, load<T>(s));
            d += size;
            s += <usize>w * size;
          }
        } else {
          let s = src + <usize>((h - 1 - x0) * w + y) * size;
          for (let x = x0; x < x1; x++) {
            store<T>(d, load<T>(s));
            d += size;
            s -= <usize>w * size;
          }
        }
      }
    }
  }
}

/** flip for u8 (size 1) or u16 (size 2) values. */
export function flip(size: i32, src: usize, dst: usize, h: i32, w: i32, fx: bool, fy: bool): void {
  if (size == 1) flipOf<u8>(src, dst, h, w, fx, fy);
  else flipOf<u16>(src, dst, h, w, fx, fy);
}

/** quarterTurn for u8 (size 1) or u16 (size 2) values. */
export function quarterTurn(size: i32, src: usize, dst: usize, h: i32, w: i32, ccw: bool): void {
  if (size == 1) quarterTurnOf<u8>(src, dst, h, w, ccw);
  else quarterTurnOf<u16>(src, dst, h, w, ccw);
}
