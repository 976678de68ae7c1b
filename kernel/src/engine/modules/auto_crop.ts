/**
 * Auto crop: crops to the bounding box of the pixels brighter than a threshold (e.g. the body
 * in a CT slice, the breast in a mammogram), plus a margin. Images with no such pixel pass
 * through unchanged.
 */
import type { ModuleDefinition } from './types';
import type { NumericArray } from '../data/ndarray';
import { foregroundBoundsSimd } from '../simd/geometry';
import { pixels, planarShape } from './image';
import { cropRegion } from './crop_region';

export interface AutoCropParams {
  threshold: number;
  margin: number;
}

export const autoCrop: ModuleDefinition<AutoCropParams> = {
  name: 'auto_crop',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Crop to the bounding box of pixels above a threshold, plus a margin.',
  params: {
    type: 'object',
    properties: {
      threshold: {
        type: 'number',
        default: 0,
        description: 'Pixels with a value (any channel) above this count as foreground.'
      },
      margin: {
        type: 'integer',
        minimum: 0,
        maximum: 4096,
        default: 0,
        description: 'Extra pixels kept around the bounding box (within the image).'
      }
    },
    additionalProperties: false
  },
  apply(data, { threshold, margin }) {
    const [h, w, c] = planarShape(data, 'auto_crop');
    const src = pixels(data, 'auto_crop');
    let [y0, y1, x0, x1] = foregroundBounds(src, h, w, c, threshold);
    if (y1 < 0) return data;
    y0 = Math.max(0, y0 - margin);
    x0 = Math.max(0, x0 - margin);
    y1 = Math.min(h - 1, y1 + margin);
    x1 = Math.min(w - 1, x1 + margin);
    return cropRegion(data, 'auto_crop', y0, x0, y1 - y0 + 1, x1 - x0 + 1);
  }
};

/**
 * [first row, last row, first column, last column] of the pixels with a value (any channel)
 * above the threshold; last row −1 where there is none.
 */
function foregroundBounds(
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  threshold: number
): [number, number, number, number] {
  // Integer pixels above t are those above ⌊t⌋: the kernels compare integers in their type.
  const t = Math.floor(threshold);
  const max = src instanceof Uint8Array ? 255 : 65535;
  if ((src instanceof Uint8Array || src instanceof Uint16Array) && t >= 0 && t < max) {
    const simd = foregroundBoundsSimd(src, h, w * c, t);
    if (simd) {
      const [y0, y1, i0, i1] = simd;
      return [y0, y1, Math.floor(i0 / c), Math.floor(i1 / c)];
    }
  }
  let y0 = h;
  let y1 = -1;
  let x0 = w;
  let x1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        if (src[(y * w + x) * c + k] > threshold) {
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          break;
        }
      }
    }
  }
  return [y0, y1, x0, x1];
}
