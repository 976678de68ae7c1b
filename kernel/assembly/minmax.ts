/**
 * Grey-level erosion and dilation (min / max over a binary kernel) of one-channel u8 / u16
 * images: the SIMD half of the engine's minMaxFilter (kernel/src/engine/modules/filters.ts),
 * which splits the kernel into runs of columns shared by several rows. Pixels outside the
 * image never take part (OpenCV's default for morphology), so rows are padded with the
 * neutral value (the type's maximum for min, 0 for max) and every window is whole.
 */
import { fillValues, lanesOf, smax, smin, vpick } from './lanes';

/**
 * dst[y, x] = min (or max) of src[y, x + d0 … x + d1], for all h rows of width w.
 * `pad` is scratch for one padded row: (w + |d0| + |d1| + lanes) values.
 */
function rowWindowOf<T>(
  src: usize,
  dst: usize,
  pad: usize,
  h: i32,
  w: i32,
  d0: i32,
  d1: i32,
  isMin: bool
): void {
  const size = <usize>sizeof<T>();
  const lanes = lanesOf<T>();
  const neutral: T = isMin ? <T>-1 : <T>0;
  const left = d0 < 0 ? -d0 : 0;
  const right = d1 > 0 ? d1 : 0;
  const len = d1 - d0 + 1;
  for (let y = 0; y < h; y++) {
    const row = src + <usize>(y * w) * size;
    fillValues<T>(pad, neutral, left);
    memory.copy(pad + <usize>left * size, row, <usize>w * size);
    fillValues<T>(pad + <usize>(left + w) * size, neutral, right + lanes);
    const out = dst + <usize>(y * w) * size;
    const base = pad + <usize>(left + d0) * size;
    let x = 0;
    for (; x + lanes <= w; x += lanes) {
      const at = base + <usize>x * size;
      let m = v128.load(at);
      for (let t = 1; t < len; t++) m = vpick<T>(m, v128.load(at + <usize>t * size), isMin);
      v128.store(out + <usize>x * size, m);
    }
    for (; x < w; x++) {
      const at = base + <usize>x * size;
      let m = load<T>(at);
      for (let t = 1; t < len; t++) {
        const v = load<T>(at + <usize>t * size);
        m = isMin ? smin<T>(m, v) : smax<T>(m, v);
      }
      store<T>(out + <usize>x * size, m);
    }
  }
}

/**
 * For every output row y: out[y] = min (or max) over dy in dys[0 … count) with 0 ≤ y + dy < h
 * of rows[y + dy], folded into out[y] when `accumulate` (another run already wrote it).
 * A row with no source inside the image is left as it was (the caller checks coverage).
 */
function combineRowsOf<T>(
  rows: usize,
  out: usize,
  h: i32,
  w: i32,
  dys: usize,
  count: i32,
  accumulate: bool,
  isMin: bool
): void {
  const size = <usize>sizeof<T>();
  const lanes = lanesOf<T>();
  const stride = <usize>w * size;
  for (let y = 0; y < h; y++) {
    const o = out + <usize>y * stride;
    let first = !accumulate;
    for (let j = 0; j < count; j++) {
      const sy = y + load<i32>(dys + ((<usize>j) << 2));
      if (sy < 0 || sy >= h) continue;
      const r = rows + <usize>sy * stride;
      if (first) {
        memory.copy(o, r, stride);
        first = false;
        continue;
      }
      let x = 0;
      for (; x + lanes <= w; x += lanes) {
        const at = <usize>x * size;
        v128.store(o + at, vpick<T>(v128.load(o + at), v128.load(r + at), isMin));
      }
      for (; x < w; x++) {
        const at = <usize>x * size;
        const a = load<T>(o + at);
        const b = load<T>(r + at);
        store<T>(o + at, isMin ? smin<T>(a, b) : smax<T>(a, b));
      }
    }
  }
}

/** rowWindow for u8 (size 1) or u16 (size 2) values. */
export function rowWindow(
  size: i32,
  src: usize,
  dst: usize,
  pad: usize,
  h: i32,
  w: i32,
  d0: i32,
  d1: i32,
  isMin: bool
): void {
  if (size == 1) rowWindowOf<u8>(src, dst, pad, h, w, d0, d1, isMin);
  else rowWindowOf<u16>(src, dst, pad, h, w, d0, d1, isMin);
}

/** combineRows for u8 (size 1) or u16 (size 2) values. */
export function combineRows(
  size: i32,
  rows: usize,
  out: usize,
  h: i32,
  w: i32,
  dys: usize,
  count: i32,
  accumulate: bool,
  isMin: bool
): void {
  if (size == 1) combineRowsOf<u8>(rows, out, h, w, dys, count, accumulate, isMin);
  else combineRowsOf<u16>(rows, out, h, w, dys, count, accumulate, isMin);
}
