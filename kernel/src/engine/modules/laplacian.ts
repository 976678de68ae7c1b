/**
 * Laplacian (cv2.Laplacian to float32, reflect_101 borders): d²/dx² + d²/dy², with the 3×3
 * [0 1 0; 1 −4 1; 0 1 0] kernel for kernel_size 1, else the sum of two Sobel second derivatives.
 */
import type { ModuleDefinition } from './types';
import { pixels, planarShape } from './image';
import { filter2D, separableFilter, sobelKernel } from './filters';
import { storeFiltered } from './filtered';

export interface LaplacianParams {
  kernel_size: number;
}

export const laplacian: ModuleDefinition<LaplacianParams> = {
  name: 'laplacian',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Laplacian (sum of second derivatives): highlights fine detail and edges (float32).',
  params: {
    type: 'object',
    properties: {
      kernel_size: {
        type: 'integer',
        enum: [1, 3, 5, 7],
        default: 1,
        description: 'Aperture of the second-derivative kernels.'
      }
    },
    additionalProperties: false
  },
  apply(data, { kernel_size }) {
    const [h, w, c] = planarShape(data, 'laplacian');
    const src = pixels(data, 'laplacian');
    if (kernel_size === 1) {
      const k = [0, 1, 0, 1, -4, 1, 0, 1, 0];
      return storeFiltered(data, filter2D(src, h, w, c, k, 3, 3, 'reflect_101'), 'float32');
    }
    if (kernel_size === 3) {
      // OpenCV's 3×3 aperture: d2⊗s + s⊗d2 folded into one kernel, one pass.
      const k = [2, 0, 2, 0, -8, 0, 2, 0, 2];
      return storeFiltered(data, filter2D(src, h, w, c, k, 3, 3, 'reflect_101'), 'float32');
    }
    const d2 = sobelKernel(2, kernel_size);
    const s = sobelKernel(0, kernel_size);
    const a = separableFilter(src, h, w, c, d2, s, 'reflect_101');
    const b = separableFilter(src, h, w, c, s, d2, 'reflect_101');
    for (let i = 0; i < a.length; i++) a[i] += b[i];
    return storeFiltered(data, a, 'float32');
  }
};
