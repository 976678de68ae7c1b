/**
 * Pad: adds margins on the four sides with OpenCV's border modes (cv2.copyMakeBorder):
 * constant (a value), edge (replicate), reflect (abc|cba), reflect_101 (abc|b) or wrap.
 */
import type { ModuleDefinition } from './types';
import { allocate, type NumericArray } from '../data/ndarray';
import type { DataDict } from '../data/datadict';
import { padSimd } from '../simd/geometry';
import { kernelPixels } from '../simd/wasm-kernels';
import { pixels, planarOut, planarShape, storeAs, withImage } from './image';
import { borderIndex, paddedIndices, type Border } from './filters';

export interface PadParams {
  top: number;
  bottom: number;
  left: number;
  right: number;
  mode: 'constant' | 'edge' | 'reflect' | 'reflect_101' | 'wrap';
  value: number;
}

const margin = (side: string) => ({
  type: 'integer',
  minimum: 0,
  maximum: 4096,
  default: 0,
  description: `Pixels added at the ${side}.`
});

const BORDERS: Record<PadParams['mode'], Border> = {
  constant: 'constant',
  edge: 'replicate',
  reflect: 'reflect',
  reflect_101: 'reflect_101',
  wrap: 'wrap'
};

export const pad: ModuleDefinition<PadParams> = {
  name: 'pad',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Add margins on the four sides (constant value, edge, reflection or wrap).',
  params: {
    type: 'object',
    properties: {
      top: margin('top'),
      bottom: margin('bottom'),
      left: margin('left'),
      right: margin('right'),
      mode: {
        type: 'string',
        enum: ['constant', 'edge', 'reflect', 'reflect_101', 'wrap'],
        default: 'constant',
        description: 'How new pixels are filled (as cv2.copyMakeBorder).'
      },
      value: {
        type: 'number',
        default: 0,
        description: 'Fill value; applies only to the constant mode.'
      }
    },
    additionalProperties: false,
    // The fill value means something only for the constant mode.
    if: { required: ['value'], properties: { value: { not: { const: 0 } } } },
    then: {
      properties: { mode: { const: 'constant' } },
      $comment: 'value applies only to the constant mode'
    }
  },
  apply(data, { top, bottom, left, right, mode, value }) {
    const [h, w, c] = planarShape(data, 'pad');
    const border = BORDERS[mode];
    if (border === 'wrap' && (top > h || bottom > h || left > w || right > w)) {
      throw new Error(`pad: wrap margins must not exceed the image size (${h}×${w})`);
    }
    const src = pixels(data, 'pad');
    const { dtype } = data.image.array;
    const oh = h + top + bottom;
    const ow = w + left + right;
    const fill = storeAs(dtype, value);
    const xs = paddedIndices(w, left, right, border);
    const gray = kernelPixels(src, c);
    if (gray) {
      const ys = paddedIndices(h, top, bottom, border);
      const simd = padSimd(gray, w, oh, ow, left, ys, xs, fill);
      if (simd) return padded(data, simd, oh, ow, c, top, left);
    }
    const out = allocate(dtype, oh * ow * c);
    const rowLen = ow * c;
    // Rows of the image: the pixels in one native copy, then the left and right margins.
    for (let y = 0; y < h; y++) {
      const d = (y + top) * rowLen;
      out.set(src.subarray(y * w * c, (y + 1) * w * c), d + left * c);
      for (let x = 0; x < ow; x++) {
        if (x === left) x = left + w;
        if (x >= ow) break;
        const sx = xs[x];
        for (let k = 0; k < c; k++) out[d + x * c + k] = sx < 0 ? fill : src[(y * w + sx) * c + k];
      }
    }
    // Margin rows repeat a finished image row (or are filled).
    for (let y = 0; y < oh; y++) {
      if (y === top) y = top + h;
      if (y >= oh) break;
      const sy = borderIndex(y - top, h, border);
      if (sy < 0) out.fill(fill, y * rowLen, (y + 1) * rowLen);
      else out.copyWithin(y * rowLen, (sy + top) * rowLen, (sy + top + 1) * rowLen);
    }
    return padded(data, out, oh, ow, c, top, left);
  }
};

/** The padded image, its origin moved by the top and left margins. */
function padded(
  data: DataDict,
  out: NumericArray,
  oh: number,
  ow: number,
  c: number,
  top: number,
  left: number
): DataDict {
  const [sy, sx] = data.image.header.spacing;
  const [oy, ox] = data.image.header.origin;
  return withImage(
    data,
    { data: out, shape: planarOut(data, oh, ow, c), dtype: data.image.array.dtype },
    { origin: [oy - top * (sy ?? 1), ox - left * (sx ?? 1)] }
  );
}
