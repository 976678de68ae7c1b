/**
 * Resize a 2D image to height×width with nearest-neighbour, bilinear or area interpolation,
 * following OpenCV's conventions so results match cv2.resize: INTER_NEAREST picks
 * floor(x · src/dst); INTER_LINEAR samples at half-pixel centres with replicated borders;
 * INTER_AREA averages the source pixels each output pixel covers (shrinking) and blends
 * with OpenCV's area weights when enlarging. Integer images are rounded back to their dtype
 * (half to even); float images stay float.
 */
import type { ModuleDefinition } from './types';
import { pixels, planarShape, storeAs, withImage } from './image';
import { allocate } from '../data/ndarray';

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
    const out = allocate(dtype, height * width * c);
    if (interpolation === 'nearest') {
      const ys = nearestTaps(h, height);
      const xs = nearestTaps(w, width);
      for (let y = 0; y < height; y++) {
        const row = ys[y] * w;
        for (let x = 0; x < width; x++) {
          const s = (row + xs[x]) * c;
          const d = (y * width + x) * c;
          for (let k = 0; k < c; k++) out[d + k] = src[s + k];
        }
      }
    } else if (interpolation === 'area' && h >= height && w >= width) {
      const ty = areaDownTaps(h, height);
      const tx = areaDownTaps(w, width);
      const acc = new Float64Array(c);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          acc.fill(0);
          const { index: ys, weight: wy } = ty[y];
          const { index: xs, weight: wx } = tx[x];
          for (let i = 0; i < ys.length; i++) {
            for (let j = 0; j < xs.length; j++) {
              const s = (ys[i] * w + xs[j]) * c;
              const wt = wy[i] * wx[j];
              for (let k = 0; k < c; k++) acc[k] += wt * src[s + k];
            }
          }
          const d = (y * width + x) * c;
          for (let k = 0; k < c; k++) out[d + k] = storeAs(dtype, acc[k]);
        }
      }
    } else {
      const area = interpolation === 'area';
      const ty = area ? areaUpTaps(h, height) : linearTaps(h, height);
      const tx = area ? areaUpTaps(w, width) : linearTaps(w, width);
      for (let y = 0; y < height; y++) {
        const r0 = ty.i0[y] * w;
        const r1 = ty.i1[y] * w;
        const fy = ty.f[y];
        for (let x = 0; x < width; x++) {
          const x0 = tx.i0[x];
          const x1 = tx.i1[x];
          const fx = tx.f[x];
          const d = (y * width + x) * c;
          for (let k = 0; k < c; k++) {
            const top = src[(r0 + x0) * c + k] * (1 - fx) + src[(r0 + x1) * c + k] * fx;
            const bottom = src[(r1 + x0) * c + k] * (1 - fx) + src[(r1 + x1) * c + k] * fx;
            out[d + k] = storeAs(dtype, top * (1 - fy) + bottom * fy);
          }
        }
      }
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
