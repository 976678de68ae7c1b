/** Crop: keeps the rectangle of height × width pixels whose top-left corner is (top, left). */
import type { ModuleDefinition } from './types';
import { cropRegion } from './crop_region';

export interface CropParams {
  top: number;
  left: number;
  height: number;
  width: number;
}

const coord = (description: string, min: number, def: number) => ({
  type: 'integer',
  minimum: min,
  maximum: 65535,
  default: def,
  description
});

export const crop: ModuleDefinition<CropParams> = {
  name: 'crop',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Crop a rectangle given by its top-left corner, height and width.',
  params: {
    type: 'object',
    properties: {
      top: coord('Row of the top-left corner.', 0, 0),
      left: coord('Column of the top-left corner.', 0, 0),
      height: coord('Height of the rectangle in pixels.', 1, 64),
      width: coord('Width of the rectangle in pixels.', 1, 64)
    },
    additionalProperties: false
  },
  apply(data, { top, left, height, width }) {
    return cropRegion(data, 'crop', top, left, height, width);
  }
};
