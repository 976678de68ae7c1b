/** Depad: removes margins from the four sides (the inverse of pad). */
import type { ModuleDefinition } from './types';
import { planarShape } from './image';
import { cropRegion } from './crop_region';

export interface DepadParams {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

const margin = (side: string) => ({
  type: 'integer',
  minimum: 0,
  maximum: 65535,
  default: 0,
  description: `Pixels removed at the ${side}.`
});

export const depad: ModuleDefinition<DepadParams> = {
  name: 'depad',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Remove margins of given widths from the four sides (the inverse of pad).',
  params: {
    type: 'object',
    properties: {
      top: margin('top'),
      bottom: margin('bottom'),
      left: margin('left'),
      right: margin('right')
    },
    additionalProperties: false
  },
  apply(data, { top, bottom, left, right }) {
    const [h, w] = planarShape(data, 'depad');
    if (top + bottom >= h || left + right >= w) {
      throw new Error(
        `depad: margins top ${top} + bottom ${bottom}, left ${left} + right ${right} leave no ` +
          `pixels of a ${h}×${w} image; allowed: top + bottom < ${h}, left + right < ${w}`
      );
    }
    return cropRegion(data, 'depad', top, left, h - top - bottom, w - left - right);
  }
};
