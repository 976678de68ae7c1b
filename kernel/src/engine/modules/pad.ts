/**
 * Pad: adds margins on the four sides with OpenCV's border modes (cv2.copyMakeBorder):
 * constant (a value), edge (replicate), reflect (abc|cba), reflect_101 (abc|b) or wrap.
 */
import type { ModuleDefinition } from './types';
import { allocate } from '../data/ndarray';
import { pixels, planarOut, planarShape, storeAs, withImage } from './image';
import { borderIndex, type Border } from './filters';

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
    const out = allocate(dtype, oh * ow * c);
    const fill = storeAs(dtype, value);
    const xs = Int32Array.from({ length: ow }, (_, x) => borderIndex(x - left, w, border));
    for (let y = 0; y < oh; y++) {
      const sy = borderIndex(y - top, h, border);
      for (let x = 0; x < ow; x++) {
        const sx = xs[x];
        const d = (y * ow + x) * c;
        if (sy < 0 || sx < 0) for (let k = 0; k < c; k++) out[d + k] = fill;
        else for (let k = 0; k < c; k++) out[d + k] = src[(sy * w + sx) * c + k];
      }
    }
    const [sy, sx] = data.image.header.spacing;
    const [oy, ox] = data.image.header.origin;
    return withImage(
      data,
      { data: out, shape: planarOut(data, oh, ow, c), dtype },
      { origin: [oy - top * (sy ?? 1), ox - left * (sx ?? 1)] }
    );
  }
};
