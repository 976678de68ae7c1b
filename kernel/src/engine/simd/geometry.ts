/**
 * Flips, quarter turns, padding and crops of uint8 / uint16 images (kernel/assembly/geometry.ts).
 */
import { imageKernels, type PixelArray } from './wasm-kernels';

/** src (h×w) mirrored left-right (fx) and/or top-bottom (fy), or null where not applicable. */
export function flipSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  fx: boolean,
  fy: boolean
): T | null {
  const k = imageKernels();
  if (!k || w * src.BYTES_PER_ELEMENT < 16) return null;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(src.byteLength);
  k.exports.flip(src.BYTES_PER_ELEMENT, from, to, h, w, fx ? 1 : 0, fy ? 1 : 0);
  return k.take(src, to, src.length);
}

/**
 * src (…×w) padded to oh×ow: output row y is source row ys[y], column x source column xs[x],
 * or `fill` where an index is −1; the image's own columns start at `left`. Null without the
 * kernels.
 */
export function padSimd<T extends PixelArray>(
  src: T,
  w: number,
  oh: number,
  ow: number,
  left: number,
  ys: Int32Array,
  xs: Int32Array,
  fill: number
): T | null {
  const k = imageKernels();
  if (!k) return null;
  const size = src.BYTES_PER_ELEMENT;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(oh * ow * size);
  const margins = cachedMarginShuffles(xs, w, left, size);
  const shuffles = margins ? k.put(margins) : 0;
  k.exports.pad(size, from, to, w, oh, ow, left, k.put(ys), k.put(xs), fill, shuffles);
  return k.take(src, to, oh * ow);
}

/**
 * marginShuffles by column table: pad's tables are cached per shape (paddedIndices), so a
 * dataset padded alike computes its swizzles once.
 */
const shufflesByTable = new WeakMap<Int32Array, Map<string, Uint8Array | null>>();

function cachedMarginShuffles(
  xs: Int32Array,
  w: number,
  left: number,
  size: number
): Uint8Array | null {
  let byLayout = shufflesByTable.get(xs);
  if (!byLayout) shufflesByTable.set(xs, (byLayout = new Map()));
  const key = `${w},${left},${size}`;
  let found = byLayout.get(key);
  if (found === undefined) byLayout.set(key, (found = marginShuffles(xs, w, left, size)));
  return found;
}

/**
 * The margins of a padded row (output columns xs, the image's w columns from `left`) as the
 * kernel's two byte swizzles: 16 bytes for the row's first vector, 16 for its last, then two
 * i32, the byte offsets in the source row where each reads its 16 bytes. Null where that does
 * not fit: a margin wider than a vector, a constant border, sources more than a vector apart,
 * or an image row narrower than a vector (both stores must fall within the margins and the
 * image's part, which the row copy then writes over).
 */
export function marginShuffles(
  xs: Int32Array,
  w: number,
  left: number,
  size: number
): Uint8Array | null {
  const lanes = 16 / size;
  const ow = xs.length;
  if (w < lanes || left > lanes || ow - left - w > lanes) return null;
  const out = new Uint8Array(40);
  const bases = new Int32Array(out.buffer, 32, 2);
  // Output columns first … first + lanes − 1 fill the vector; margin columns x0 … x1 − 1.
  const margin = (slot: number, first: number, x0: number, x1: number): boolean => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let x = x0; x < x1; x++) {
      lo = Math.min(lo, xs[x]);
      hi = Math.max(hi, xs[x]);
    }
    if (x1 > x0 && (lo < 0 || hi - lo >= lanes)) return false;
    bases[slot] = x1 > x0 ? lo * size : 0;
    for (let x = x0; x < x1; x++) {
      for (let b = 0; b < size; b++)
        out[slot * 16 + (x - first) * size + b] = (xs[x] - lo) * size + b;
    }
    return true;
  };
  return margin(0, 0, 0, left) && margin(1, ow - lanes, left + w, ow) ? out : null;
}

/**
 * The rows [top, top+height) × columns [left, left+width) of src (…×w×c values, any number of
 * channels), or null without the kernels. Only the rows the crop reads are copied in.
 */
export function cropSimd<T extends PixelArray>(
  src: T,
  w: number,
  c: number,
  top: number,
  left: number,
  height: number,
  width: number
): T | null {
  const k = imageKernels();
  if (!k) return null;
  const size = src.BYTES_PER_ELEMENT;
  const first = (top * w + left) * c;
  const row = width * c;
  k.reset();
  const from = k.put(src.subarray(first, first + (height - 1) * w * c + row));
  const to = k.alloc(height * row * size);
  k.exports.copyRows(from, to, w * c * size, row * size, row * size, height);
  return k.take(src, to, height * row);
}

/** src (h×w) turned 90° counter-clockwise (ccw) or clockwise, w×h, or null. */
export function quarterTurnSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  ccw: boolean
): T | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(src.byteLength);
  k.exports.quarterTurn(src.BYTES_PER_ELEMENT, from, to, h, w, ccw ? 1 : 0);
  return k.take(src, to, src.length);
}

/**
 * cv2.warpAffine sampling of src (h×w) as modules/warp.ts does it: column parts ax, dx of
 * the inverse map in 1/1024 pixel, row parts [b, c, e, f]; null where not applicable.
 */
export function warpSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  ax: Int32Array,
  dx: Int32Array,
  [b, c, e, f]: number[],
  fill: number,
  bilinear: boolean
): T | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(src.byteLength);
  k.exports.warp(
    src.BYTES_PER_ELEMENT,
    from,
    to,
    k.put(ax),
    k.put(dx),
    h,
    w,
    b,
    c,
    e,
    f,
    fill,
    bilinear ? 1 : 0
  );
  return k.take(src, to, src.length);
}

/** Per-axis taps of two-tap resizing: indices of both taps and the second one's weight. */
export interface TwoTaps {
  i0: Int32Array;
  i1: Int32Array;
  f: Float64Array;
}

/** src (…×w) resized to H×W by nearest-neighbour source rows ys and columns xs, or null. */
export function resizeNearestSimd<T extends PixelArray>(
  src: T,
  w: number,
  H: number,
  W: number,
  ys: Int32Array,
  xs: Int32Array
): T | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  // Shrinking reads only some rows (512 → 128: one in four): copy in just those.
  const packed = k.putRows(src, w, ys, 1);
  const from = packed?.ptr ?? k.put(src);
  const to = k.alloc(H * W * src.BYTES_PER_ELEMENT);
  const rows = k.put(packed?.rows ?? ys);
  k.exports.resizeNearest(src.BYTES_PER_ELEMENT, from, to, w, H, W, rows, k.put(xs));
  return k.take(src, to, H * W);
}

/** What the kernels can do with a set of taps: 'halving' ⊂ 'pairs' ⊂ anything. */
type TapForm = 'halving' | 'pairs' | 'general';
const tapForms = new WeakMap<TwoTaps, TapForm>();

/**
 * 'pairs' where every coordinate averages pixels i, i + 1 with equal weights (bilinear
 * shrinking by an even factor), 'halving' where those pairs are 2d, 2d + 1.
 */
function tapForm(taps: TwoTaps): TapForm {
  let form = tapForms.get(taps);
  if (form === undefined) {
    const { i0, i1, f } = taps;
    if (!i0.every((v, d) => i1[d] === v + 1 && f[d] === 0.5)) form = 'general';
    else form = i0.every((v, d) => v === 2 * d) ? 'halving' : 'pairs';
    tapForms.set(taps, form);
  }
  return form;
}

/** src (…×w) resized to H×W by two-tap interpolation (rows ty, columns tx), or null. */
export function resizeTwoTapSimd<T extends PixelArray>(
  src: T,
  w: number,
  H: number,
  W: number,
  ty: TwoTaps,
  tx: TwoTaps
): T | null {
  const k = imageKernels();
  if (!k) return null;
  const size = src.BYTES_PER_ELEMENT;
  const [fy, fx] = [tapForm(ty), tapForm(tx)];
  k.reset();
  if (fy === 'halving' && fx === 'halving' && W * size >= 8) {
    // Each output is the mean of a 2×2 block: integer lanes instead of float64 gathers.
    const from = k.put(src);
    const to = k.alloc(H * W * size);
    k.exports.halve(size, from, to, w, H, W);
    return k.take(src, to, H * W);
  }
  if (fy !== 'general' && fx !== 'general') {
    // Means of 2×2 blocks at the taps (even shrink factors): integer lanes, pairs gathered.
    // Large factors read few of the rows: putRows copies in just those pairs where that pays.
    const packed = k.putRows(src, w, ty.i0, 2);
    const from = packed?.ptr ?? k.put(src);
    const to = k.alloc(H * W * size);
    const rows = k.put(packed?.rows ?? ty.i0);
    k.exports.pairMeans(size, from, to, w, H, W, rows, k.put(tx.i0));
    return k.take(src, to, H * W);
  }
  const from = k.put(src);
  const to = k.alloc(H * W * size);
  const [y0s, y1s, fys] = [k.put(ty.i0), k.put(ty.i1), k.put(ty.f)];
  const [x0s, x1s, fxs] = [k.put(tx.i0), k.put(tx.i1), k.put(tx.f)];
  k.exports.resizeTwoTap(size, from, to, w, H, W, y0s, y1s, fys, x0s, x1s, fxs);
  return k.take(src, to, H * W);
}

/** Taps of area shrinking along one axis, flattened: coordinate d uses taps starts[d] … starts[d + 1]. */
export interface AreaTaps {
  starts: Int32Array;
  index: Int32Array;
  weight: Float64Array;
}

/** src (h×w) shrunk to H×W with area weights (rows ty, columns tx), or null. */
export function areaDownSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  ty: AreaTaps,
  tx: AreaTaps
): T | null {
  const k = imageKernels();
  if (!k) return null;
  const H = ty.starts.length - 1;
  const W = tx.starts.length - 1;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(H * W * src.BYTES_PER_ELEMENT);
  const rows = k.alloc(h * W * 8);
  const line = k.alloc(W * 8);
  const [xs, xi, xw] = [k.put(tx.starts), k.put(tx.index), k.put(tx.weight)];
  const [ys, yi, yw] = [k.put(ty.starts), k.put(ty.index), k.put(ty.weight)];
  k.exports.areaDown(
    src.BYTES_PER_ELEMENT,
    from,
    to,
    rows,
    line,
    h,
    w,
    H,
    W,
    xs,
    xi,
    xw,
    ys,
    yi,
    yw
  );
  return k.take(src, to, H * W);
}

/**
 * The bounding box of the values above t (an integer within the type's range) in an h × n
 * image (n values per row, all channels): [first row, last row, first value index, last value
 * index], or null without the kernels. Last row −1: no value is above t.
 */
export function foregroundBoundsSimd(
  src: PixelArray,
  h: number,
  n: number,
  t: number
): [number, number, number, number] | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const from = k.put(src);
  const out = k.alloc(16);
  k.exports.foregroundBounds(src.BYTES_PER_ELEMENT, from, h, n, t, out);
  const [y0, y1, x0, x1] = new Int32Array(k.exports.memory.buffer, out, 4);
  return [y0, y1, x0, x1];
}
