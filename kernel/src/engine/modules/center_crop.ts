/** Center crop: keeps height × width pixels around the centre (offsets rounded down). */
import type { ModuleDefinition } from './types';
import { planarShape } from './image';
import { cropRegion } from './crop_region';

export interface CenterCropParams {
  height: number;
  width: number;
}

export const centerCrop: ModuleDefinition<CenterCropParams> = {
  name: 'center_crop',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Crop height × width pixels around the image centre.',
  params: {
    type: 'object',
    properties: {
      height: {
        type: 'integer',
        minimum: 1,
        maximum: 65535,
        default: 64,
        description: 'Height of the kept region.'
      },
      width: {
        type: 'integer',
        minimum: 1,
        maximum: 65535,
        default: 64,
        description: 'Width of the kept region.'
      }
    },
    additionalProperties: false
  },
  apply(data, { height, width }) {
    const [h, w] = planarShape(data, 'center_crop');
    if (height > h || width > w) {
      throw new Error(
        `center_crop: ${height}×${width} is larger than the image (${h}×${w}); ` +
          `allowed: height <= ${h}, width <= ${w} (use pad to enlarge)`
      );
    }
    return cropRegion(
      data,
      'center_crop',
      Math.floor((h - height) / 2),
      Math.floor((w - width) / 2),
      height,
      width
    );
  }
};
