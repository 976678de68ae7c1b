/**
 * Color to grayscale: an H×W×3 RGB image becomes H×W with OpenCV's weights
 * (0.299 R + 0.587 G + 0.114 B) or the plain channel average. Grayscale images pass through
 * (H×W×1 is squeezed to H×W), so the module is safe to add to any 2D pipeline.
 */
import type { ModuleDefinition } from './types';
import { pixels, planarShape, storeAs, withImage } from './image';
import { allocate } from '../data/ndarray';

export interface GrayscaleParams {
  method: 'luminance' | 'average';
}

/** Weighted channel sum of an 8-bit colour image; Uint8ClampedArray rounds half to even. */
function luminanceUint8(
  src: Uint8Array,
  n: number,
  c: number,
  wr: number,
  wg: number,
  wb: number
): Uint8Array {
  const out = new Uint8ClampedArray(n);
  for (let i = 0, s = 0; i < n; i++, s += c)
    out[i] = wr * src[s] + wg * src[s + 1] + wb * src[s + 2];
  return new Uint8Array(out.buffer);
}

export const grayscale: ModuleDefinition<GrayscaleParams> = {
  name: 'grayscale',
  category: 'Color',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Convert a color (RGB) image to one grayscale channel.',
  params: {
    type: 'object',
    properties: {
      method: {
        type: 'string',
        enum: ['luminance', 'average'],
        default: 'luminance',
        description: 'luminance: 0.299 R + 0.587 G + 0.114 B (as OpenCV); average: (R + G + B) / 3.'
      }
    },
    additionalProperties: false
  },
  apply(data, { method }) {
    const [h, w, c] = planarShape(data, 'grayscale');
    const src = pixels(data, 'grayscale');
    const dtype = data.image.array.dtype;
    if (c === 1) {
      return withImage(data, { data: src, shape: [h, w], dtype }, { color_mode: 'L' });
    }
    if (c !== 3 && c !== 4) {
      throw new Error(`grayscale: expects 1, 3 or 4 (RGBA) channels, got ${c}`);
    }
    const [wr, wg, wb] = method === 'average' ? [1 / 3, 1 / 3, 1 / 3] : [0.299, 0.587, 0.114];
    if (src instanceof Uint8Array && dtype === 'uint8') {
      const out = luminanceUint8(src, h * w, c, wr, wg, wb);
      return withImage(data, { data: out, shape: [h, w], dtype }, { color_mode: 'L' });
    }
    const out = allocate(dtype, h * w);
    for (let i = 0; i < h * w; i++) {
      const v = wr * src[i * c] + wg * src[i * c + 1] + wb * src[i * c + 2];
      out[i] = storeAs(dtype, v);
    }
    return withImage(data, { data: out, shape: [h, w], dtype }, { color_mode: 'L' });
  }
};
