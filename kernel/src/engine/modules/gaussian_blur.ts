/**
 * Gaussian blur as cv2.GaussianBlur: separable kernel from kernel_size and sigma (either may be
 * 0 to derive it from the other, as OpenCV does), reflect_101 borders, and OpenCV's bit-exact
 * fixed point for 8- and 16-bit images (modules/gaussian.ts).
 */
import type { ModuleDefinition } from './types';
import { pixels, planarShape, withImage } from './image';
import { gaussianBlurValues, gaussianSizeFor } from './gaussian';

export interface GaussianBlurParams {
  kernel_size: number;
  sigma: number;
}

export const gaussianBlur: ModuleDefinition<GaussianBlurParams> = {
  name: 'gaussian_blur',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Smooth the image with a Gaussian kernel.',
  params: {
    type: 'object',
    properties: {
      kernel_size: {
        type: 'integer',
        minimum: 0,
        maximum: 99,
        default: 5,
        description: 'Odd kernel width in pixels; 0 derives it from sigma.'
      },
      sigma: {
        type: 'number',
        minimum: 0,
        maximum: 50,
        default: 0,
        description: 'Standard deviation in pixels; 0 derives it from kernel_size.'
      }
    },
    additionalProperties: false,
    anyOf: [
      { properties: { kernel_size: { minimum: 1 } } },
      { properties: { sigma: { exclusiveMinimum: 0 } } }
    ]
  },
  check: ({ kernel_size }) =>
    kernel_size > 0 && kernel_size % 2 === 0
      ? [`kernel_size must be odd (got ${kernel_size})`]
      : [],
  apply(data, { kernel_size, sigma }) {
    const [h, w, c] = planarShape(data, 'gaussian_blur');
    const { dtype, shape } = data.image.array;
    const size = kernel_size || gaussianSizeFor(sigma, dtype === 'uint8');
    const src = pixels(data, 'gaussian_blur');
    const out = gaussianBlurValues(src, dtype, h, w, c, size, sigma);
    return withImage(data, { data: out, shape: shape.slice(), dtype });
  }
};
