/**
 * Grey-level erosion and dilation (min / max over a binary kernel) of one-channel u8 / u16
 * images: the SIMD half of the engine's minMaxFilter (kernel/src/engine/modules/filters.ts),
 * which splits the kernel into runs of columns shared by several rows. Pixels outside the
 * image never take part (OpenCV's default for morphology), so rows are padded with the
 * neutral value (the type's maximum for min, 0 for max) and every window is whole.
 */
import { fillValues, isMinOp, lanesOf, Max, Min, smax, smin, vpick } from './lanes';

/** out[x] = min (or max) of base[x … x + len − 1] for x < w (base padded past w + len). */
function windowRow<T, Op>(base: usize, out: usize, w: i32, len: i32): void {
  const isMin = isMinOp<Op>();
  const size = <usize>sizeof<T>();
  const lanes = lanesOf<T>();
  let x = 0;
  if (len == 3) {
    // The common 3-wide window without the inner loop.
    for (; x + lanes <= w; x += lanes) {
      const at = base + <usize>x * size;
      const m = vpick<T>(v128.load(at), v128.load(at + size), isMin);
      v128.store(out + <usize>x * size, vpick<T>(m, v128.load(at + 2 * size), isMin));
    }
  }
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

/**
 * A rectangular kernel with no intermediate image: dst[y, x] = min (or max) of src over rows
 * y + e0 … y + e1 (those inside the image; e0 ≤ 0 ≤ e1) and columns x + d0 … x + d1. The
 * column extremes go into a padded line (w + |d0| + |d1| + lanes values), then the row window
 * runs along it. Output rows go in pairs: rows y and y + 1 share all their source rows but
 * one each, so the pair reads k + 1 rows instead of 2k (3×3: four loads and three min/max per
 * vector instead of six and four). A pair needs two lines, one after the other at `line`.
 */
function rectOf<T, Op>(
  src: usize,
  dst: usize,
  line: usize,
  h: i32,
  w: i32,
  d0: i32,
  d1: i32,
  e0: i32,
  e1: i32
): void {
  const isMin = isMinOp<Op>();
  const size = <usize>sizeof<T>();
  const lanes = lanesOf<T>();
  const neutral: T = isMin ? <T>-1 : <T>0;
  const left = d0 < 0 ? -d0 : 0;
  const right = d1 > 0 ? d1 : 0;
  const stride = <usize>w * size;
  const line2 = line + ((<usize>(left + w + right + lanes) * size + 15) & ~15);
  // The second line exists only where rows go in pairs (callers of row windows pass one).
  const pairs = e1 > e0;
  const lines = pairs ? 2 : 1;
  for (let k = 0; k < lines; k++) {
    const l = k == 0 ? line : line2;
    fillValues<T>(l, neutral, left);
    fillValues<T>(l + <usize>(left + w) * size, neutral, right + lanes);
  }
  const mid = line + <usize>left * size;
  const mid2 = line2 + <usize>left * size;
  const len = d1 - d0 + 1;
  let y = 0;
  while (y < h) {
    const ya = y + e0 > 0 ? y + e0 : 0;
    const yb = y + e1 < h - 1 ? y + e1 : h - 1;
    if (pairs && y + 1 < h) {
      // Rows ya2 … yb serve both outputs; row ya (when < ya2) only y, row yb2 (> yb) only y + 1.
      const ya2 = y + 1 + e0 > 0 ? y + 1 + e0 : 0;
      const yb2 = y + 1 + e1 < h - 1 ? y + 1 + e1 : h - 1;
      columnPair<T, Op>(src, mid, mid2, stride, w, ya, ya2, yb, yb2);
      windowRow<T, Op>(line + <usize>(left + d0) * size, dst + <usize>y * stride, w, len);
      windowRow<T, Op>(line2 + <usize>(left + d0) * size, dst + <usize>(y + 1) * stride, w, len);
      y += 2;
      continue;
    }
    columnExtremes<T, Op>(src, mid, stride, w, ya, yb);
    windowRow<T, Op>(line + <usize>(left + d0) * size, dst + <usize>y * stride, w, len);
    y++;
  }
}

/** out[x] = min (or max) of src rows ya … yb at column x, for x < w. */
function columnExtremes<T, Op>(
  src: usize,
  out: usize,
  stride: usize,
  w: i32,
  ya: i32,
  yb: i32
): void {
  const isMin = isMinOp<Op>();
  const size = <usize>sizeof<T>();
  const lanes = lanesOf<T>();
  const first = src + <usize>ya * stride;
  let x = 0;
  if (ya == yb) {
    // One row (row windows, edges of short kernels): a plain copy into the line.
    memory.copy(out, first, stride);
    return;
  }
  for (; x + lanes <= w; x += lanes) {
    const at = <usize>x * size;
    let p = first + at;
    let m = v128.load(p);
    for (let r = ya + 1; r <= yb; r++) {
      p += stride;
      m = vpick<T>(m, v128.load(p), isMin);
    }
    v128.store(out + at, m);
  }
  for (; x < w; x++) {
    const at = <usize>x * size;
    let m = load<T>(first + at);
    for (let r = ya + 1; r <= yb; r++) {
      const v = load<T>(src + <usize>r * stride + at);
      m = isMin ? smin<T>(m, v) : smax<T>(m, v);
    }
    store<T>(out + at, m);
  }
}

/**
 * columnExtremes of rows ya … yb into out and of rows ya2 … yb2 into out2 (ya ≤ ya2 ≤ yb ≤
 * yb2, each range at most one row past the shared ya2 … yb): the shared rows once.
 */
function columnPair<T, Op>(
  src: usize,
  out: usize,
  out2: usize,
  stride: usize,
  w: i32,
  ya: i32,
  ya2: i32,
  yb: i32,
  yb2: i32
): void {
  const isMin = isMinOp<Op>();
  const size = <usize>sizeof<T>();
  const lanes = lanesOf<T>();
  const shared = src + <usize>ya2 * stride;
  // Rows only one output reads; the shared first row stands in where there is none (min and
  // max are idempotent), so the loop has no branch.
  const top = ya < ya2 ? src + <usize>ya * stride : shared;
  const bottom = yb2 > yb ? src + <usize>yb2 * stride : shared;
  let x = 0;
  for (; x + lanes <= w; x += lanes) {
    const at = <usize>x * size;
    let p = shared + at;
    let m = v128.load(p);
    for (let r = ya2 + 1; r <= yb; r++) {
      p += stride;
      m = vpick<T>(m, v128.load(p), isMin);
    }
    v128.store(out + at, vpick<T>(m, v128.load(top + at), isMin));
    v128.store(out2 + at, vpick<T>(m, v128.load(bottom + at), isMin));
  }
  for (; x < w; x++) {
    const at = <usize>x * size;
    let m = load<T>(shared + at);
    for (let r = ya2 + 1; r <= yb; r++) {
      const v = load<T>(src + <usize>r * stride + at);
      m = isMin ? smin<T>(m, v) : smax<T>(m, v);
    }
    const t = load<T>(top + at);
    const b = load<T>(bottom + at);
    store<T>(out + at, isMin ? smin<T>(m, t) : smax<T>(m, t));
    store<T>(out2 + at, isMin ? smin<T>(m, b) : smax<T>(m, b));
  }
}

/**
 * For every output row y: out[y] = min (or max) over the sources with 0 ≤ y + dy < h of
 * row y + dy of the source's buffer, folded into out[y] when `accumulate`. `sources` holds
 * `count` (buffer address, dy) i32 pairs; `picked` is scratch for count + 1 row addresses.
 * Each output row is read from all its sources and written once: a 3×3 erosion reads three
 * rows and writes one, where copying the first row and folding in the others one at a time
 * wrote three.
 * A row with no source inside the image is left as it was (the caller checks coverage).
 */
function combineRowsOf<T>(
  out: usize,
  h: i32,
  w: i32,
  sources: usize,
  count: i32,
  picked: usize,
  accumulate: bool,
  isMin: bool
): void {
  const size = <usize>sizeof<T>();
  const stride = <usize>w * size;
  for (let y = 0; y < h; y++) {
    const o = out + <usize>y * stride;
    let k = 0;
    if (accumulate) {
      store<usize>(picked, o);
      k = 1;
    }
    for (let j = 0; j < count; j++) {
      const pair = sources + ((<usize>j) << 3);
      const sy = y + load<i32>(pair + 4);
      if (sy < 0 || sy >= h) continue;
      store<usize>(picked + ((<usize>k) << 2), load<usize>(pair) + <usize>sy * stride);
      k++;
    }
    if (k == 0) continue;
    // Up to eight rows per pass over the output row, their addresses in locals; the next
    // eight fold into what the pass wrote.
    for (let start = 0; start < k; start += 8) {
      const from = start == 0 ? 0 : start - 1;
      if (start > 0) store<usize>(picked + ((<usize>from) << 2), o);
      const rows = picked + ((<usize>from) << 2);
      if (isMin) pickRows<T, Min>(o, rows, min(k - from, 8), w);
      else pickRows<T, Max>(o, rows, min(k - from, 8), w);
    }
  }
}

/** Row address i of `picked` (n of them), or the first where i ≥ n: min/max is idempotent. */
function rowAt(picked: usize, i: i32, n: i32): usize {
  return load<usize>(picked + ((<usize>(i < n ? i : 0)) << 2));
}

/** o = min (or max) of the n ≤ 8 rows at `picked`, w values of T. */
function pickRows<T, Op>(o: usize, picked: usize, n: i32, w: i32): void {
  const isMin = isMinOp<Op>();
  const size = <usize>sizeof<T>();
  const lanes = lanesOf<T>();
  const p0 = rowAt(picked, 0, n);
  const p1 = rowAt(picked, 1, n);
  const p2 = rowAt(picked, 2, n);
  const p3 = rowAt(picked, 3, n);
  const p4 = rowAt(picked, 4, n);
  const p5 = rowAt(picked, 5, n);
  const p6 = rowAt(picked, 6, n);
  const p7 = rowAt(picked, 7, n);
  let x = 0;
  if (n <= 4) {
    for (; x + lanes <= w; x += lanes) {
      const at = <usize>x * size;
      const a = vpick<T>(v128.load(p0 + at), v128.load(p1 + at), isMin);
      const b = vpick<T>(v128.load(p2 + at), v128.load(p3 + at), isMin);
      v128.store(o + at, vpick<T>(a, b, isMin));
    }
  } else {
    for (; x + lanes <= w; x += lanes) {
      const at = <usize>x * size;
      const a = vpick<T>(v128.load(p0 + at), v128.load(p1 + at), isMin);
      const b = vpick<T>(v128.load(p2 + at), v128.load(p3 + at), isMin);
      const c = vpick<T>(v128.load(p4 + at), v128.load(p5 + at), isMin);
      const d = vpick<T>(v128.load(p6 + at), v128.load(p7 + at), isMin);
      v128.store(o + at, vpick<T>(vpick<T>(a, b, isMin), vpick<T>(c, d, isMin), isMin));
    }
  }
  for (; x < w; x++) {
    const at = <usize>x * size;
    let m = load<T>(p0 + at);
    for (let i = 1; i < n; i++) {
      const v = load<T>(load<usize>(picked + ((<usize>i) << 2)) + at);
      m = isMin ? smin<T>(m, v) : smax<T>(m, v);
    }
    store<T>(o + at, m);
  }
}

/**
 * rectOf for u8 (size 1) or u16 (size 2) values; e0 = e1 = 0 is a row window (the rectangle
 * of one row).
 */
export function rect(
  size: i32,
  src: usize,
  dst: usize,
  line: usize,
  h: i32,
  w: i32,
  d0: i32,
  d1: i32,
  e0: i32,
  e1: i32,
  isMin: bool
): void {
  if (size == 1) {
    if (isMin) rectOf<u8, Min>(src, dst, line, h, w, d0, d1, e0, e1);
    else rectOf<u8, Max>(src, dst, line, h, w, d0, d1, e0, e1);
  } else if (isMin) rectOf<u16, Min>(src, dst, line, h, w, d0, d1, e0, e1);
  else rectOf<u16, Max>(src, dst, line, h, w, d0, d1, e0, e1);
}

/** combineRows for u8 (size 1) or u16 (size 2) values. */
export function combineRows(
  size: i32,
  out: usize,
  h: i32,
  w: i32,
  sources: usize,
  count: i32,
  picked: usize,
  accumulate: bool,
  isMin: bool
): void {
  if (size == 1) combineRowsOf<u8>(out, h, w, sources, count, picked, accumulate, isMin);
  else combineRowsOf<u16>(out, h, w, sources, count, picked, accumulate, isMin);
}
