/**
 * 3×3 median of one-channel u8 / u16 images with replicated borders (cv2.medianBlur): the
 * SIMD version of median3x3 in kernel/src/engine/modules/median_filter.ts. Each
 * column's three values are sorted once per row and shared by the three windows containing
 * it; the median of nine is med3(max of the minima, med3 of the middles, min of the maxima).
 * Rows need at least one vector of pixels (w ≥ 16 for u8, 8 for u16); the last vector of a
 * row overlaps the one before instead of running past the end.
 */
import { lanesOf, step, vmax, vmin } from './lanes';
import { median25 } from './median-network';

/** med3(a, b, c) lane by lane. */
function median3<T>(a: v128, b: v128, c: v128): v128 {
  return vmax<T>(vmin<T>(a, b), vmin<T>(vmax<T>(a, b), c));
}

function median3x3Of<T>(src: usize, dst: usize, scratch: usize, h: i32, w: i32): void {
  const size = <usize>sizeof<T>();
  const lanes = lanesOf<T>();
  const padded = <usize>(w + 2) * size;
  // scratch: lo / mid / hi of each column, padded by one replicated column on each side.
  const lo = scratch;
  const mid = lo + padded;
  const hi = mid + padded;
  const last = <usize>(w + 1) * size;
  for (let y = 0; y < h; y++) {
    // The rows above and below, replicated at the top and bottom edges.
    const above = src + <usize>((y > 0 ? y - 1 : 0) * w) * size;
    const row = src + <usize>(y * w) * size;
    const below = src + <usize>((y < h - 1 ? y + 1 : h - 1) * w) * size;
    for (let i = 0; i < w; i += lanes) {
      const at = <usize>step(i, w, lanes) * size;
      const a = v128.load(above + at);
      const b = v128.load(row + at);
      const c = v128.load(below + at);
      const ab0 = vmin<T>(a, b);
      const ab1 = vmax<T>(a, b);
      v128.store(lo + at + size, vmin<T>(ab0, c));
      v128.store(hi + at + size, vmax<T>(ab1, c));
      v128.store(mid + at + size, vmax<T>(ab0, vmin<T>(ab1, c)));
    }
    // Replicated border columns have the sorted triples of the first and last columns.
    store<T>(lo, load<T>(lo + size));
    store<T>(mid, load<T>(mid + size));
    store<T>(hi, load<T>(hi + size));
    store<T>(lo + last, load<T>(lo + last - size));
    store<T>(mid + last, load<T>(mid + last - size));
    store<T>(hi + last, load<T>(hi + last - size));
    const out = dst + <usize>(y * w) * size;
    for (let x = 0; x < w; x += lanes) {
      const at = <usize>step(x, w, lanes) * size;
      const maxLo = vmax<T>(
        vmax<T>(v128.load(lo + at), v128.load(lo + at + size)),
        v128.load(lo + at + 2 * size)
      );
      const minHi = vmin<T>(
        vmin<T>(v128.load(hi + at), v128.load(hi + at + size)),
        v128.load(hi + at + 2 * size)
      );
      const midMed = median3<T>(
        v128.load(mid + at),
        v128.load(mid + at + size),
        v128.load(mid + at + 2 * size)
      );
      v128.store(out + at, median3<T>(maxLo, midMed, minHi));
    }
  }
}

/** Scratch bytes median3x3U8 / U16 need for width w and a value size of `size` bytes. */
export function median3x3ScratchBytes(w: i32, size: i32): i32 {
  return 3 * (w + 2) * size;
}

/** median3x3 for u8 (size 1) or u16 (size 2) values. */
export function median3x3(size: i32, src: usize, dst: usize, scratch: usize, h: i32, w: i32): void {
  if (size == 1) median3x3Of<u8>(src, dst, scratch, h, w);
  else median3x3Of<u16>(src, dst, scratch, h, w);
}

/**
 * 5×5 median with replicated borders: the image padded by two pixels into `padded`
 * ((h + 4) × (w + 4) values), then a selection network (median-network.ts) per vector of
 * output pixels. Rows need at least one vector of pixels.
 */
function median5x5Of<T>(src: usize, dst: usize, padded: usize, h: i32, w: i32): void {
  const size = <usize>sizeof<T>();
  const lanes = lanesOf<T>();
  const pw = <usize>(w + 4) * size;
  for (let py = 0; py < h + 4; py++) {
    let sy = py - 2;
    sy = sy < 0 ? 0 : sy >= h ? h - 1 : sy;
    const from = src + <usize>(sy * w) * size;
    const to = padded + <usize>py * pw;
    memory.copy(to + 2 * size, from, <usize>w * size);
    const first = load<T>(from);
    const last = load<T>(from + <usize>(w - 1) * size);
    store<T>(to, first);
    store<T>(to + size, first);
    store<T>(to + <usize>(w + 2) * size, last);
    store<T>(to + <usize>(w + 3) * size, last);
  }
  for (let y = 0; y < h; y++) {
    const top = padded + <usize>y * pw;
    const out = dst + <usize>(y * w) * size;
    for (let x = 0; x < w; x += lanes) {
      const at = <usize>step(x, w, lanes) * size;
      const r = top + at;
      v128.store(out + at, median25<T>(r, r + pw, r + 2 * pw, r + 3 * pw, r + 4 * pw, size));
    }
  }
}

/** median5x5 for u8 (size 1) or u16 (size 2) values. */
export function median5x5(size: i32, src: usize, dst: usize, padded: usize, h: i32, w: i32): void {
  if (size == 1) median5x5Of<u8>(src, dst, padded, h, w);
  else median5x5Of<u16>(src, dst, padded, h, w);
}
