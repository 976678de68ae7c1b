/** Box blur (mean filter) as cv2.blur: the average of a kernel_size² window, reflect_101 borders. */
import type { ModuleDefinition } from './types';
import { pixels, planarShape } from './image';
import { blur } from './filters';

export interface BoxBlurParams {
  kernel_size: number;
}

export const boxBlur: ModuleDefinition<BoxBlurParams> = {
  name: 'box_blur',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Replace each pixel by the mean of its kernel_size × kernel_size neighbourhood.',
  params: {
    type: 'object',
    properties: {
      kernel_size: {
        type: 'integer',
        minimum: 1,
        maximum: 99,
        default: 3,
        description: 'Window width and height in pixels.'
      }
    },
    additionalProperties: false
  },
  apply(data, { kernel_size }) {
    const [h, w, c] = planarShape(data, 'box_blur');
    const k = new Float64Array(kernel_size).fill(1 / kernel_size);
    return blur(data, pixels(data, 'box_blur'), h, w, c, k);
  }
};
