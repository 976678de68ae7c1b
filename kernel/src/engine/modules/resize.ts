/**
 * Resize a 2D image to height×width with nearest-neighbour, bilinear or area interpolation,
 * following OpenCV's conventions so results match cv2.resize: INTER_NEAREST picks
 * floor(x · src/dst); INTER_LINEAR samples at half-pixel centres with replicated borders;
 * INTER_AREA averages the source pixels each output pixel covers (shrinking) and blends
 * with OpenCV's area weights when enlarging. Integer images are rounded back to their dtype
 * (half to even); float images stay float.
 */
import type { ModuleDefinition } from './types';
import { pixels, planarShape, withImage } from './image';
import { scratchFloat64, storeValues, valuesFor } from './typed-loops';
import { allocate, type NumericArray } from '../data/ndarray';
import { areaDownSimd, resizeNearestSimd, resizeTwoTapSimd, type AreaTaps } from '../simd/geometry';
import { kernelPixels } from '../simd/wasm-kernels';

/**
 * Taps depend only on the two lengths, and a dataset resizes every image alike: each kind is
 * built once per (source, destination) pair and reused (read-only) for the next images.
 */
const tapCache = new Map<(src: number, dst: number) => unknown, Map<number, unknown>>();

function taps<T>(build: (src: number, dst: number) => T, src: number, dst: number): T {
  let byLengths = tapCache.get(build);
  if (!byLengths) tapCache.set(build, (byLengths = new Map()));
  const key = src * 65536 + dst;
  let found = byLengths.get(key) as T | undefined;
  if (found === undefined) {
    if (byLengths.size >= 64) byLengths.clear();
    found = build(src, dst);
    byLengths.set(key, found);
  }
  return found;
}

export interface ResizeParams {
  height: number;
  width: number;
  interpolation: 'nearest' | 'bilinear' | 'area';
}

/** Source index and weight of the second tap, per destination coordinate (cv2 INTER_LINEAR). */
function linearTaps(src: number, dst: number): { i0: Int32Array; i1: Int32Array; f: Float64Array } {
  const scale = src / dst;
  const i0 = new Int32Array(dst);
  const i1 = new Int32Array(dst);
  const f = new Float64Array(dst);
  for (let d = 0; d < dst; d++) {
    const x = (d + 0.5) * scale - 0.5;
    let s = Math.floor(x);
    let frac = x - s;
    if (s < 0) {
      s = 0;
      frac = 0;
    }
    if (s >= src - 1) {
      s = src - 1;
      frac = 0;
    }
    i0[d] = s;
    i1[d] = Math.min(s + 1, src - 1);
    f[d] = frac;
  }
  return { i0, i1, f };
}

/** Taps of INTER_AREA when enlarging: linear taps with OpenCV's area-specific fractions. */
function areaUpTaps(src: number, dst: number): { i0: Int32Array; i1: Int32Array; f: Float64Array } {
  const scale = src / dst;
  const inv = dst / src;
  const i0 = new Int32Array(dst);
  const i1 = new Int32Array(dst);
  const f = new Float64Array(dst);
  for (let d = 0; d < dst; d++) {
    let s = Math.floor(d * scale);
    let frac = Math.fround(d + 1 - (s + 1) * inv);
    frac = frac <= 0 ? 0 : frac - Math.floor(frac);
    if (s >= src - 1) {
      s = src - 1;
      frac = 0;
    }
    i0[d] = s;
    i1[d] = Math.min(s + 1, src - 1);
    f[d] = frac;
  }
  return { i0, i1, f };
}

/** Source indices and weights per destination coordinate when shrinking (INTER_AREA). */
function areaDownTaps(src: number, dst: number): { index: number[]; weight: number[] }[] {
  const scale = src / dst;
  const taps: { index: number[]; weight: number[] }[] = [];
  for (let d = 0; d < dst; d++) {
    const f1 = d * scale;
    const f2 = f1 + scale;
    const cell = Math.min(scale, src - f1);
    let s1 = Math.ceil(f1);
    let s2 = Math.floor(f2);
    s2 = Math.min(s2, src - 1);
    s1 = Math.min(s1, s2);
    const index: number[] = [];
    const weight: number[] = [];
    if (s1 - f1 > 1e-3) {
      index.push(s1 - 1);
      weight.push((s1 - f1) / cell);
    }
    for (let s = s1; s < s2; s++) {
      index.push(s);
      weight.push(1 / cell);
    }
    if (f2 - s2 > 1e-3) {
      index.push(s2);
      weight.push(Math.min(Math.min(f2 - s2, 1), cell) / cell);
    }
    taps.push({ index, weight });
  }
  return taps;
}

/** Source index per destination coordinate (cv2 INTER_NEAREST). */
function nearestTaps(src: number, dst: number): Int32Array {
  // Same arithmetic as OpenCV (1 / (dst / src)), so floor() breaks ties identically.
  const inv = 1 / (dst / src);
  const out = new Int32Array(dst);
  for (let d = 0; d < dst; d++) out[d] = Math.min(Math.floor(d * inv), src - 1);
  return out;
}

/** Area taps of one axis, flattened: coordinate d uses taps starts[d] … starts[d + 1]. */
function flatAreaTaps(src: number, dst: number): AreaTaps {
  const taps = areaDownTaps(src, dst);
  const starts = new Int32Array(dst + 1);
  for (let d = 0; d < dst; d++) starts[d + 1] = starts[d] + taps[d].index.length;
  const index = new Int32Array(starts[dst]);
  const weight = new Float64Array(starts[dst]);
  taps.forEach((t, d) => {
    index.set(t.index, starts[d]);
    weight.set(t.weight, starts[d]);
  });
  return { starts, index, weight };
}

/**
 * Shrinking with area weights, separably: each source row is first reduced to the output
 * width (Σ wx·src), then rows combine with the vertical weights. Sums in float64.
 */
function areaDown(
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  ty: AreaTaps,
  tx: AreaTaps
): Float64Array {
  const height = ty.starts.length - 1;
  const width = tx.starts.length - 1;
  const { starts: start, index: xi, weight: xw } = tx;
  const stride = width * c;
  const rows = scratchFloat64('resize.rows', h * stride);
  const line = scratchFloat64('resize.line', w * c);
  for (let r = 0; r < h; r++) {
    line.set(src.subarray(r * w * c, (r + 1) * w * c));
    const o = r * stride;
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < c; k++) {
        let acc = 0;
        for (let t = start[x]; t < start[x + 1]; t++) acc += xw[t] * line[xi[t] * c + k];
        rows[o + x * c + k] = acc;
      }
    }
  }
  const out = scratchFloat64('resize.area', height * stride).fill(0);
  for (let y = 0; y < height; y++) {
    const o = y * stride;
    for (let t = ty.starts[y]; t < ty.starts[y + 1]; t++) {
      const r = ty.index[t] * stride;
      const wt = ty.weight[t];
      for (let i = 0; i < stride; i++) out[o + i] += wt * rows[r + i];
    }
  }
  return out;
}

/** Nearest-neighbour resizing into out (height·width·c values): source rows ys, columns xs. */
function nearest(
  src: NumericArray,
  w: number,
  c: number,
  ys: Int32Array,
  xs: Int32Array,
  out: NumericArray
): NumericArray {
  const width = xs.length;
  for (let y = 0; y < ys.length; y++) {
    const row = ys[y] * w;
    for (let x = 0; x < width; x++) {
      const s = (row + xs[x]) * c;
      const d = (y * width + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = src[s + k];
    }
  }
  return out;
}

/** Two-tap (bilinear, or area when enlarging) interpolation, as float64 values. */
function twoTap(
  src: NumericArray,
  w: number,
  c: number,
  height: number,
  width: number,
  ty: { i0: Int32Array; i1: Int32Array; f: Float64Array },
  tx: { i0: Int32Array; i1: Int32Array; f: Float64Array },
  out: Float64Array
): Float64Array {
  for (let y = 0; y < height; y++) {
    const r0 = ty.i0[y] * w;
    const r1 = ty.i1[y] * w;
    const fy = ty.f[y];
    const d0 = y * width * c;
    if (c === 1) {
      for (let x = 0; x < width; x++) {
        const x0 = tx.i0[x];
        const x1 = tx.i1[x];
        const fx = tx.f[x];
        const top = src[r0 + x0] * (1 - fx) + src[r0 + x1] * fx;
        const bottom = src[r1 + x0] * (1 - fx) + src[r1 + x1] * fx;
        out[d0 + x] = top * (1 - fy) + bottom * fy;
      }
      continue;
    }
    for (let x = 0; x < width; x++) {
      const x0 = tx.i0[x];
      const x1 = tx.i1[x];
      const fx = tx.f[x];
      const d = d0 + x * c;
      for (let k = 0; k < c; k++) {
        const top = src[(r0 + x0) * c + k] * (1 - fx) + src[(r0 + x1) * c + k] * fx;
        const bottom = src[(r1 + x0) * c + k] * (1 - fx) + src[(r1 + x1) * c + k] * fx;
        out[d + k] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

export const resize: ModuleDefinition<ResizeParams> = {
  name: 'resize',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Resize the image to height × width pixels.',
  params: {
    type: 'object',
    properties: {
      height: {
        type: 'integer',
        minimum: 1,
        maximum: 4096,
        default: 64,
        description: 'Output height in pixels.'
      },
      width: {
        type: 'integer',
        minimum: 1,
        maximum: 4096,
        default: 64,
        description: 'Output width in pixels.'
      },
      interpolation: {
        type: 'string',
        enum: ['nearest', 'bilinear', 'area'],
        default: 'bilinear',
        description:
          'nearest: copy the closest pixel; bilinear: weigh the 4 nearest; area: average the covered pixels.'
      }
    },
    additionalProperties: false
  },
  apply(data, { height, width, interpolation }) {
    const [h, w, c] = planarShape(data, 'resize');
    const src = pixels(data, 'resize');
    const dtype = data.image.array.dtype;
    // One-channel 8/16-bit images resize in WebAssembly, with the same values.
    const gray = kernelPixels(src, c);
    let out: NumericArray;
    if (interpolation === 'nearest') {
      const ys = taps(nearestTaps, h, height);
      const xs = taps(nearestTaps, w, width);
      out =
        (gray && resizeNearestSimd(gray, w, height, width, ys, xs)) ||
        nearest(src, w, c, ys, xs, allocate(dtype, height * width * c));
    } else if (interpolation === 'area' && h >= height && w >= width) {
      const ty = taps(flatAreaTaps, h, height);
      const tx = taps(flatAreaTaps, w, width);
      const simd = gray && areaDownSimd(gray, h, w, ty, tx);
      // The area sums live in a scratch buffer: float64 images get their own copy.
      const values = simd ? null : areaDown(src, h, w, c, ty, tx);
      out = simd || storeValues(dtype, dtype === 'float64' ? values!.slice() : values!);
    } else {
      const area = interpolation === 'area';
      const ty = taps(area ? areaUpTaps : linearTaps, h, height);
      const tx = taps(area ? areaUpTaps : linearTaps, w, width);
      out =
        (gray && resizeTwoTapSimd(gray, w, height, width, ty, tx)) ||
        storeValues(
          dtype,
          twoTap(
            src,
            w,
            c,
            height,
            width,
            ty,
            tx,
            valuesFor(dtype, 'resize.twoTap', height * width * c)
          )
        );
    }
    const shape = data.image.array.shape.length === 2 ? [height, width] : [height, width, c];
    const [sy, sx] = data.image.header.spacing;
    return withImage(
      data,
      { data: out, shape, dtype },
      // Pixels get bigger or smaller in physical units; keep spacing honest.
      { spacing: [(sy * h) / height, (sx * w) / width] }
    );
  }
};
