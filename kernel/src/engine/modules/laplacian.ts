/**
 * Laplacian (cv2.Laplacian to float32, reflect_101 borders): d²/dx² + d²/dy², with the 3×3
 * [0 1 0; 1 −4 1; 0 1 0] kernel for kernel_size 1, else the sum of two Sobel second derivatives.
 */
import type { ModuleDefinition } from './types';
import { pixels, planarShape } from './image';
import { filter2D, separableFilter, sobelKernel } from './filters';
import { storeFiltered } from './filtered';
import { correlateSimd, laplacian3Simd, outer, type Kernel2D } from '../simd/correlate';
import { kernelPixels } from '../simd/wasm-kernels';

export interface LaplacianParams {
  kernel_size: number;
}

/**
 * The Laplacian as one 2D kernel: [0 1 0; 1 −4 1; 0 1 0] for kernel_size 1, OpenCV's 3×3
 * aperture for 3 (d2⊗s + s⊗d2 folded), else d2⊗s + s⊗d2 of the Sobel kernels.
 */
export function laplacianKernel(kernelSize: number): Kernel2D {
  if (kernelSize === 1) return { weights: [0, 1, 0, 1, -4, 1, 0, 1, 0], size: 3 };
  if (kernelSize === 3) return { weights: [2, 0, 2, 0, -8, 0, 2, 0, 2], size: 3 };
  const d2 = sobelKernel(2, kernelSize);
  const s = sobelKernel(0, kernelSize);
  const a = outer(d2, s).weights as Float64Array;
  const b = outer(s, d2).weights;
  return { weights: a.map((v, i) => v + b[i]), size: kernelSize };
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
    const gray = kernelPixels(src, c);
    if (gray) {
      const simd =
        laplacian3Simd(gray, h, w, kernel_size) ??
        correlateSimd(gray, h, w, laplacianKernel(kernel_size));
      if (simd) return storeFiltered(data, simd, 'float32');
    }
    if (kernel_size <= 3) {
      const k = laplacianKernel(kernel_size);
      return storeFiltered(data, filter2D(src, h, w, c, k.weights, 3, 3, 'reflect_101'), 'float32');
    }
    const d2 = sobelKernel(2, kernel_size);
    const s = sobelKernel(0, kernel_size);
    const a = separableFilter(src, h, w, c, d2, s, 'reflect_101');
    const b = separableFilter(src, h, w, c, s, d2, 'reflect_101');
    for (let i = 0; i < a.length; i++) a[i] += b[i];
    return storeFiltered(data, a, 'float32');
  }
};
