/**
 * Resize a 2D image to height×width with nearest-neighbour or bilinear interpolation,
 * following OpenCV's conventions so results match cv2.resize: INTER_NEAREST picks
 * floor(x · src/dst); INTER_LINEAR samples at half-pixel centres with replicated borders.
 * Integer images are rounded back to their dtype; float images stay float.
 */
import type { ModuleDefinition } from './types';
import { pixels, planarShape, storeAs, withImage } from './image';
import { allocate } from '../data/ndarray';

export interface ResizeParams {
  height: number;
  width: number;
  interpolation: 'nearest' | 'bilinear';
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
        enum: ['nearest', 'bilinear'],
        default: 'bilinear',
        description: 'nearest: copy the closest pixel; bilinear: weigh the 4 nearest pixels.'
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
    } else {
      const ty = linearTaps(h, height);
      const tx = linearTaps(w, width);
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
