/**
 * Sobel edge detection (cv2.Sobel to float32, reflect_101 borders): the x or y derivative, or
 * the gradient magnitude sqrt(gx² + gy²) (cv2.magnitude).
 */
import type { ModuleDefinition } from './types';
import { pixels, planarShape } from './image';
import { borderIndex, padRow, separableFilter, sobelKernel } from './filters';
import type { NumericArray } from '../data/ndarray';
import { scratchFloat64 } from './typed-loops';
import { storeFiltered } from './filtered';
import { correlateSimd, outer, sobel3Simd } from '../simd/correlate';
import { kernelPixels } from '../simd/wasm-kernels';

export interface SobelParams {
  direction: 'x' | 'y' | 'magnitude';
  kernel_size: number;
}

/**
 * sqrt(gx² + gy²) in float32 arithmetic, as cv2.magnitude computes it (and the SIMD kernels):
 * each square, the sum and the root rounded to float32. Each step in float64 then fround
 * gives exactly the float32 result: float64 has more than twice float32's precision plus
 * two bits, so rounding twice cannot differ from rounding once for +, × and √.
 */
function magnitude32(gx: number, gy: number): number {
  const fx = Math.fround(gx);
  const fy = Math.fround(gy);
  return Math.fround(Math.sqrt(Math.fround(Math.fround(fx * fx) + Math.fround(fy * fy))));
}

/**
 * The 3×3 Sobel derivatives from padded float64 rows in one pass (reflect_101 borders, as
 * cv2.Sobel): gx = [1 2 1]ᵀ ⊗ [−1 0 1], gy its transpose; the magnitude of the float32
 * derivatives, as cv2.magnitude.
 */
function sobel3(
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  direction: SobelParams['direction']
): Float32Array {
  const xs = new Int32Array(w + 2);
  for (let i = 0; i < w + 2; i++) xs[i] = borderIndex(i - 1, w, 'reflect_101');
  const width = (w + 2) * c;
  const padded = scratchFloat64('sobel.padded', h * width);
  for (let y = 0; y < h; y++)
    padRow(src, y, w, c, xs, 1, padded.subarray(y * width, (y + 1) * width));
  const out = new Float32Array(h * w * c);
  const stride = w * c;
  const c2 = 2 * c;
  for (let y = 0; y < h; y++) {
    const a = borderIndex(y - 1, h, 'reflect_101') * width;
    const b = y * width;
    const d = borderIndex(y + 1, h, 'reflect_101') * width;
    const o = y * stride;
    for (let i = 0; i < stride; i++) {
      const gx =
        padded[a + i + c2] -
        padded[a + i] +
        2 * (padded[b + i + c2] - padded[b + i]) +
        (padded[d + i + c2] - padded[d + i]);
      const gy =
        padded[d + i] -
        padded[a + i] +
        2 * (padded[d + i + c] - padded[a + i + c]) +
        (padded[d + i + c2] - padded[a + i + c2]);
      if (direction === 'x') out[o + i] = gx;
      else if (direction === 'y') out[o + i] = gy;
      else out[o + i] = magnitude32(gx, gy);
    }
  }
  return out;
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
    const gray = kernelPixels(src, c);
    if (gray) {
      // 3×3: separably in 16-bit (uint8) or 32-bit lanes; otherwise the kernel's integer taps.
      const x = outer(d, s);
      const y = outer(s, d);
      const simd =
        (kernel_size === 3 && sobel3Simd(gray, h, w, direction)) ||
        (direction === 'magnitude'
          ? correlateSimd(gray, h, w, x, y)
          : correlateSimd(gray, h, w, direction === 'x' ? x : y));
      if (simd) return storeFiltered(data, simd, 'float32');
    }
    if (kernel_size === 3) return storeFiltered(data, sobel3(src, h, w, c, direction), 'float32');
    const gx = () => separableFilter(src, h, w, c, d, s, 'reflect_101');
    const gy = () => separableFilter(src, h, w, c, s, d, 'reflect_101');
    if (direction === 'x') return storeFiltered(data, gx(), 'float32');
    if (direction === 'y') return storeFiltered(data, gy(), 'float32');
    const x = gx();
    const y = gy();
    const out = new Float32Array(src.length);
    for (let i = 0; i < out.length; i++) out[i] = magnitude32(x[i], y[i]);
    return storeFiltered(data, out, 'float32');
  }
};
