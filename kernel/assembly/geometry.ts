/**
 * Exact geometric copies of one-channel u8 / u16 images: flips (cv2.flip) with each row
 * reversed by a lane shuffle, and quarter turns (cv2.rotate) as block transposes in registers. The same results as flip.ts and rotate.ts in
 * kernel/src/engine/modules.
 */
import { copyRow, fillValues, lanesOf } from './lanes';
import { turnBlockU16, turnBlockU8 } from './transpose';

/** The lanes of v in reverse order (values of T). */
function reverseLanes<T>(v: v128): v128 {
  if (sizeof<T>() == 1)
    return i8x16.shuffle(v, v, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  return i8x16.shuffle(v, v, 14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1);
}

/** dst = src mirrored left-right (fx) and/or top-bottom (fy); rows of at least one vector. */
function flipOf<T>(src: usize, dst: usize, h: i32, w: i32, fx: bool, fy: bool): void {
  const size = <usize>sizeof<T>();
  const stride = <usize>w * size;
  for (let y = 0; y < h; y++) {
    const from = src + <usize>(fy ? h - 1 - y : y) * stride;
    const to = dst + <usize>y * stride;
    if (!fx) {
      memory.copy(to, from, stride);
      continue;
    }
    // Pointers that walk the row from both ends, two vectors a step (the source index
    // arithmetic per vector cost as much as the shuffle); a partial last vector overlaps.
    let s = from + stride - 16;
    let d = to;
    const full = to + (stride & ~31);
    while (d < full) {
      const a = v128.load(s);
      const b = v128.load(s - 16);
      v128.store(d, reverseLanes<T>(a));
      v128.store(d + 16, reverseLanes<T>(b));
      s -= 32;
      d += 32;
    }
    if (d < to + stride) {
      v128.store(d, reverseLanes<T>(v128.load(s)));
      d += 16;
      s -= 16;
    }
    if (d < to + stride) v128.store(to + stride - 16, reverseLanes<T>(v128.load(from)));
  }
}

/** One value of a quarter turn: dst[y][x] from src (h × w). */
function turnedAt<T>(src: usize, h: i32, w: i32, y: i32, x: i32, ccw: bool): T {
  return load<T>(src + <usize>(ccw ? x * w + (w - 1 - y) : (h - 1 - x) * w + y) * sizeof<T>());
}

/**
 * A quarter turn: dst (w × h) = src rotated 90° counter-clockwise (ccw) or clockwise.
 * 90° CCW: dst[y][x] = src[x][w − 1 − y]; clockwise: dst[y][x] = src[h − 1 − x][y].
 * Whole n × n blocks (n = 16 u8, 8 u16) are transposed in registers (./transpose.ts): n source
 * rows in (bottom-up for clockwise), n destination rows out. The strips that do not fill a
 * block go value by value.
 */
function quarterTurnOf<T>(src: usize, dst: usize, h: i32, w: i32, ccw: bool): void {
  const size = <isize>sizeof<T>();
  const n = lanesOf<T>();
  const fullH = h - (h % n); // source rows in whole blocks = destination columns [0, fullH)
  const fullW = w - (w % n);
  const rowStep = <isize>w * size;
  const dstRow = <isize>h * size;
  // Tiles of 64 × 64 values, so that both the rows read and the rows written stay in cache.
  for (let R = 0; R < fullH; R += 64) {
    for (let C = 0; C < fullW; C += 64) {
      for (let c0 = C; c0 < min(C + 64, fullW); c0 += n) {
        for (let r0 = R; r0 < min(R + 64, fullH); r0 += n) {
          const from = ccw ? (<isize>r0 * w + c0) * size : (<isize>(h - 1 - r0) * w + c0) * size;
          const first = ccw ? (<isize>(w - 1 - c0) * h + r0) * size : (<isize>c0 * h + r0) * size;
          const stride = ccw ? rowStep : -rowStep;
          const step = ccw ? -dstRow : dstRow;
          if (sizeof<T>() == 1) turnBlockU8(<usize>(<isize>src + from), stride, dst, first, step);
          else turnBlockU16(<usize>(<isize>src + from), stride, dst, first, step);
        }
      }
    }
  }
  // Destination columns past the blocks, then the destination rows the blocks did not reach.
  for (let y = 0; y < w; y++) {
    for (let x = fullH; x < h; x++) {
      store<T>(dst + <usize>(y * h + x) * sizeof<T>(), turnedAt<T>(src, h, w, y, x, ccw));
    }
  }
  const rowsFrom = ccw ? 0 : fullW;
  const rowsTo = ccw ? w - fullW : w;
  for (let y = rowsFrom; y < rowsTo; y++) {
    for (let x = 0; x < fullH; x++) {
      store<T>(dst + <usize>(y * h + x) * sizeof<T>(), turnedAt<T>(src, h, w, y, x, ccw));
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

/**
 * dst (oh × ow) = src (h × w) with margins: output row y takes source row ys[y] and output
 * column x source column xs[x], or `fill` where the index is −1 (the engine computes both
 * tables for its border modes); the image itself sits at (top, left) and is copied row by row.
 * `shuffles` (or 0): the margins as byte swizzles of one vector each, which the engine
 * computes from xs where they fit (geometry.ts, marginShuffles).
 */
function padOf<T>(
  src: usize,
  dst: usize,
  w: i32,
  oh: i32,
  ow: i32,
  left: i32,
  ys: usize,
  xs: usize,
  fill: T,
  shuffles: usize
): void {
  const size = <usize>sizeof<T>();
  const rowBytes = <usize>ow * size;
  const right = ow - left - w;
  const leftBase = shuffles ? <usize>load<i32>(shuffles, 32) : 0;
  const rightBase = shuffles ? <usize>load<i32>(shuffles, 36) : 0;
  for (let y = 0; y < oh; y++) {
    const sy = load<i32>(ys + ((<usize>y) << 2));
    const to = dst + <usize>(y * ow) * size;
    if (sy < 0) {
      fillValues<T>(to, fill, ow);
      continue;
    }
    const from = src + <usize>(sy * w) * size;
    if (shuffles) {
      // Each margin is one shuffle of 16 source bytes, stored over the first or last 16
      // bytes of the row before the image's row is copied over the part that is not margin.
      if (left > 0) marginVector(to, from + leftBase, shuffles);
      if (right > 0) marginVector(to + rowBytes - 16, from + rightBase, shuffles + 16);
    } else {
      // The margins pixel by pixel through the column table.
      for (let x = 0; x < left; x++) padPixel<T>(to, from, xs, x, fill);
      for (let x = left + w; x < ow; x++) padPixel<T>(to, from, xs, x, fill);
    }
    copyRow(to + <usize>left * size, from, <usize>w * size);
  }
}

/** 16 bytes at `to`: the 16 bytes at `from` rearranged by the swizzle (byte indices) at `shuffle`. */
function marginVector(to: usize, from: usize, shuffle: usize): void {
  v128.store(to, i8x16.swizzle(v128.load(from), v128.load(shuffle)));
}

/** Output column x of a padded row: source column xs[x] of the row at `from`, or fill. */
function padPixel<T>(to: usize, from: usize, xs: usize, x: i32, fill: T): void {
  const size = <usize>sizeof<T>();
  const sx = load<i32>(xs + ((<usize>x) << 2));
  store<T>(to + <usize>x * size, sx < 0 ? fill : load<T>(from + <usize>sx * size));
}

/** padOf for u8 (size 1) or u16 (size 2) values. */
export function pad(
  size: i32,
  src: usize,
  dst: usize,
  w: i32,
  oh: i32,
  ow: i32,
  left: i32,
  ys: usize,
  xs: usize,
  fill: i32,
  shuffles: usize
): void {
  if (size == 1) padOf<u8>(src, dst, w, oh, ow, left, ys, xs, <u8>fill, shuffles);
  else padOf<u16>(src, dst, w, oh, ow, left, ys, xs, <u16>fill, shuffles);
}

/**
 * `rows` rows of `bytes` bytes each, from src (rows `srcStride` bytes apart) to dst (rows
 * `dstStride` apart): crops.
 */
export function copyRows(
  src: usize,
  dst: usize,
  srcStride: i32,
  dstStride: i32,
  bytes: i32,
  rows: i32
): void {
  for (let y = 0; y < rows; y++) {
    copyRow(dst + <usize>(y * dstStride), src + <usize>(y * srcStride), <usize>bytes);
  }
}

/**
 * The bounding box of the values above t in an h × n image of u8 (size 1) or u16 (size 2)
 * values (n: values per row, all channels): out[0 … 3] = first row, last row, first value
 * index, last value index within a row, or last row −1 where no value is above t (auto crop).
 * Each row is scanned from the left to its first such value and from the right to its last,
 * so background costs one pass and foreground little.
 */
export function foregroundBounds(size: i32, src: usize, h: i32, n: i32, t: i32, out: usize): void {
  if (size == 1) foregroundBoundsOf<u8>(src, h, n, t, out);
  else foregroundBoundsOf<u16>(src, h, n, t, out);
}

function foregroundBoundsOf<T>(src: usize, h: i32, n: i32, t: i32, out: usize): void {
  const size = <usize>sizeof<T>();
  const lanes = 16 / sizeof<T>();
  const limit = sizeof<T>() == 1 ? i8x16.splat(<i8>t) : i16x8.splat(<i16>t);
  let y0 = h;
  let y1 = -1;
  let x0 = n;
  let x1 = -1;
  for (let y = 0; y < h; y++) {
    const row = src + <usize>(y * n) * size;
    // From the left: the first vector with a value above t, then the value within it.
    let i = 0;
    while (i + lanes <= n && !v128.any_true(above<T>(v128.load(row + <usize>i * size), limit))) {
      i += lanes;
    }
    while (i < n && <i32>load<T>(row + <usize>i * size) <= t) i++;
    if (i == n) continue;
    if (y0 == h) y0 = y;
    y1 = y;
    if (i < x0) x0 = i;
    // From the right, down to the first one found.
    let j = n;
    while (
      j - lanes > i &&
      !v128.any_true(above<T>(v128.load(row + <usize>(j - lanes) * size), limit))
    ) {
      j -= lanes;
    }
    j--;
    while (<i32>load<T>(row + <usize>j * size) <= t) j--;
    if (j > x1) x1 = j;
  }
  store<i32>(out, y0);
  store<i32>(out, y1, 4);
  store<i32>(out, x0, 8);
  store<i32>(out, x1, 12);
}

/** Lanes of v above the limit's (unsigned u8 or u16 lanes). */
function above<T>(v: v128, limit: v128): v128 {
  return sizeof<T>() == 1 ? i8x16.gt_u(v, limit) : i16x8.gt_u(v, limit);
}
