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
  k.reset();
  const from = k.put(src);
  const to = k.alloc(oh * ow * src.BYTES_PER_ELEMENT);
  k.exports.pad(src.BYTES_PER_ELEMENT, from, to, w, oh, ow, left, k.put(ys), k.put(xs), fill);
  return k.take(src, to, oh * ow);
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
  const from = k.put(src);
  const to = k.alloc(H * W * src.BYTES_PER_ELEMENT);
  k.exports.resizeNearest(src.BYTES_PER_ELEMENT, from, to, w, H, W, k.put(ys), k.put(xs));
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
  k.reset();
  const from = k.put(src);
  const to = k.alloc(H * W * src.BYTES_PER_ELEMENT);
  const [fy, fx] = [tapForm(ty), tapForm(tx)];
  if (fy === 'halving' && fx === 'halving' && W * src.BYTES_PER_ELEMENT >= 8) {
    // Each output is the mean of a 2×2 block: integer lanes instead of float64 gathers.
    k.exports.halve(src.BYTES_PER_ELEMENT, from, to, w, H, W);
    return k.take(src, to, H * W);
  }
  if (fy !== 'general' && fx !== 'general') {
    // Means of 2×2 blocks at the taps (even shrink factors): integer lanes, pairs gathered.
    k.exports.pairMeans(src.BYTES_PER_ELEMENT, from, to, w, H, W, k.put(ty.i0), k.put(tx.i0));
    return k.take(src, to, H * W);
  }
  k.exports.resizeTwoTap(
    src.BYTES_PER_ELEMENT,

    from,
    to,
    w,
    H,
    W,
    k.put(ty.i0),
    k.put(ty.i1),
    k.put(ty.f),
    k.put(tx.i0),
    k.put(tx.i1),
    k.put(tx.f)
  );
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
