/**
 * Sobel edge detection (cv2.Sobel to float32, reflect_101 borders): the x or y derivative, or
 * the gradient magnitude sqrt(gx² + gy²) (cv2.magnitude).
 */
import type { ModuleDefinition } from './types';
import { pixels, planarShape } from './image';
import { separableFilter, sobelKernel } from './filters';
import { storeFiltered } from './filtered';

export interface SobelParams {
  direction: 'x' | 'y' | 'magnitude';
  kernel_size: number;
}

export const sobel: ModuleDefinition<SobelParams> = {
  name: 'sobel',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Sobel derivative in x or y, or the gradient magnitude (float32).',
  params: {
    type: 'object',
    properties: {
      direction: {
        type: 'string',
        enum: ['x', 'y', 'magnitude'],
        default: 'magnitude',
        description: 'x: d/dx; y: d/dy; magnitude: sqrt(dx² + dy²).'
      },
      kernel_size: {
        type: 'integer',
        enum: [1, 3, 5, 7],
        default: 3,
        description: 'Aperture: 1 (no smoothing), 3, 5 or 7.'
      }
    },
    additionalProperties: false
  },
  apply(data, { direction, kernel_size }) {
    const [h, w, c] = planarShape(data, 'sobel');
    const src = pixels(data, 'sobel');
    const d = sobelKernel(1, kernel_size);
    const s = sobelKernel(0, kernel_size);
    const gx = () => separableFilter(src, h, w, c, d, s, 'reflect_101');
    const gy = () => separableFilter(src, h, w, c, s, d, 'reflect_101');
    if (direction === 'x') return storeFiltered(data, gx(), 'float32');
    if (direction === 'y') return storeFiltered(data, gy(), 'float32');
    const x = gx();
    const y = gy();
    const out = new Float32Array(src.length);
    for (let i = 0; i < out.length; i++) {
      const a = Math.fround(x[i]);
      const b = Math.fround(y[i]);
      out[i] = Math.sqrt(a * a + b * b);
    }
    return storeFiltered(data, out, 'float32');
  }
};
