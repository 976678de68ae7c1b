/**
 * Rotate by an angle in degrees, counter-clockwise. Multiples of 90° are exact (cv2.rotate:
 * 90° and 270° swap height and width); other angles rotate about the centre within the same
 * size (cv2.warpAffine with cv2.getRotationMatrix2D), corners filled with `fill`.
 */
import type { ModuleDefinition } from './types';
import type { DataDict } from '../data/datadict';
import { allocate, type NumericArray } from '../data/ndarray';
import { pixels, planarOut, planarShape, withImage } from './image';
import { flipImage } from './flip';
import { quarterTurnSimd } from '../simd/geometry';
import { kernelPixels } from '../simd/wasm-kernels';
import { rotationMatrix, warpAffine } from './warp';

export interface RotateParams {
  angle: number;
  interpolation: 'nearest' | 'bilinear';
  fill: number;
}

/**
 * A quarter turn of a one-channel image in 32×32 tiles, so that the column-wise reads of the
 * source stay in cache.
 */
function rotateGray(
  src: NumericArray,
  out: NumericArray,
  h: number,
  w: number,
  ccw: boolean
): void {
  const T = 32;
  for (let y0 = 0; y0 < w; y0 += T) {
    const y1 = Math.min(w, y0 + T);
    for (let x0 = 0; x0 < h; x0 += T) {
      const x1 = Math.min(h, x0 + T);
      for (let y = y0; y < y1; y++) {
        let d = y * h + x0;
        if (ccw) {
          for (let x = x0, s = x0 * w + (w - 1 - y); x < x1; x++, s += w) out[d++] = src[s];
        } else {
          for (let x = x0, s = (h - 1 - x0) * w + y; x < x1; x++, s -= w) out[d++] = src[s];
        }
      }
    }
  }
}

/** Rotation by a quarter turn counter-clockwise, k times (k in 1..3). */
export function rotateQuarter(data: DataDict, k: number, module: string): DataDict {
  if (k === 2) return flipImage(data, 'both', module);
  const [h, w, c] = planarShape(data, module);
  const src = pixels(data, module);
  const { dtype } = data.image.array;
  // Output is w×h; 90° CCW: out[y][x] = src[x][w-1-y]; 270° CCW: out[y][x] = src[h-1-x][y].
  const gray = kernelPixels(src, c);
  const simd = gray && quarterTurnSimd(gray, h, w, k === 1);
  const out = simd || allocate(dtype, src.length);
  if (simd) {
    // Turned in WebAssembly: nothing left to do.
  } else if (c === 1) {
    rotateGray(src, out, h, w, k === 1);
  } else
    for (let y = 0; y < w; y++) {
      for (let x = 0; x < h; x++) {
        const s = k === 1 ? (x * w + (w - 1 - y)) * c : ((h - 1 - x) * w + y) * c;
        const d = (y * h + x) * c;
        for (let j = 0; j < c; j++) out[d + j] = src[s + j];
      }
    }
  const [sy, sx] = data.image.header.spacing;
  return withImage(
    data,
    { data: out, shape: planarOut(data, w, h, c), dtype },
    { spacing: [sx, sy] }
  );
}

export const rotate: ModuleDefinition<RotateParams> = {
  name: 'rotate',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Rotate counter-clockwise by an angle (multiples of 90° are exact).',
  params: {
    type: 'object',
    properties: {
      angle: {
        type: 'number',
        minimum: -360,
        maximum: 360,
        default: 90,
        description: 'Degrees, counter-clockwise; 90 and 270 swap height and width.'
      },
      interpolation: {
        type: 'string',
        enum: ['nearest', 'bilinear'],
        default: 'bilinear',
        description: 'Sampling for angles that are not multiples of 90°.'
      },
      fill: {
        type: 'number',
        default: 0,
        description: 'Value of the corners that come from outside the image.'
      }
    },
    additionalProperties: false
  },
  apply(data, { angle, interpolation, fill }) {
    const quarter = angle / 90;
    if (Number.isInteger(quarter)) {
      const k = ((quarter % 4) + 4) % 4;
      return k === 0 ? data : rotateQuarter(data, k, 'rotate');
    }
    const [h, w] = planarShape(data, 'rotate');
    const m = rotationMatrix((w - 1) / 2, (h - 1) / 2, angle, 1);
    return warpAffine(data, m, interpolation, fill, 'rotate');
  }
};
