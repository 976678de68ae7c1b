/** Flip: mirrors the image horizontally, vertically or both (cv2.flip 1, 0, -1). */
import type { ModuleDefinition } from './types';
import { allocate } from '../data/ndarray';
import type { DataDict } from '../data/datadict';
import { pixels, planarShape, withImage } from './image';
import { flipSimd } from '../simd/geometry';
import { kernelPixels } from '../simd/wasm-kernels';

export type FlipAxis = 'horizontal' | 'vertical' | 'both';

export interface FlipParams {
  axis: FlipAxis;
}

/** Mirrors an H×W(×C) image; shared with random_flip. */
export function flipImage(data: DataDict, axis: FlipAxis, module: string): DataDict {
  const [h, w, c] = planarShape(data, module);
  const src = pixels(data, module);
  const { dtype, shape } = data.image.array;
  const fx = axis !== 'vertical';
  const fy = axis !== 'horizontal';
  const gray = kernelPixels(src, c);
  if (gray) {
    const simd = flipSimd(gray, h, w, fx, fy);
    if (simd) return withImage(data, { data: simd, shape: shape.slice(), dtype });
  }
  const out = allocate(dtype, src.length);
  for (let y = 0; y < h; y++) {
    const sy = fy ? h - 1 - y : y;
    if (!fx || c === 1) {
      out.set(src.subarray(sy * w * c, (sy + 1) * w * c), y * w * c);
      // One channel: mirroring a row is the native in-place reverse.
      if (fx) out.subarray(y * w, (y + 1) * w).reverse();
      continue;
    }
    for (let x = 0; x < w; x++) {
      const s = (sy * w + (w - 1 - x)) * c;
      const d = (y * w + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = src[s + k];
    }
  }
  return withImage(data, { data: out, shape: shape.slice(), dtype });
}

export const flip: ModuleDefinition<FlipParams> = {
  name: 'flip',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Mirror the image left-right, top-bottom or both.',
  params: {
    type: 'object',
    properties: {
      axis: {
        type: 'string',
        enum: ['horizontal', 'vertical', 'both'],
        default: 'horizontal',
        description: 'horizontal: left-right; vertical: top-bottom; both: 180° rotation.'
      }
    },
    additionalProperties: false
  },
  apply(data, { axis }) {
    return flipImage(data, axis, 'flip');
  }
};
