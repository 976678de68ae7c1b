/**
 * Sharpening, two ways: unsharp mask (v + amount · (v − GaussianBlur(v, sigma)), the blurred
 * image kept in the input dtype as cv2.GaussianBlur gives it) or the 3×3 kernel
 * [0 −a 0; −a 1+4a −a; 0 −a 0] (cv2.filter2D, reflect_101). Saturated to the dtype. The
 * blur is cv2.GaussianBlur's, bit-exact fixed point for 8/16-bit images (modules/gaussian.ts),
 * and the sum is cv2.addWeighted's: float32 for 8/16-bit images, float64 here for the others.
 */
import type { ModuleDefinition } from './types';
import { pixels, planarShape, withImage } from './image';
import { unsharpSimd } from '../simd/separable';
import { kernelPixels } from '../simd/wasm-kernels';
import { filter2D } from './filters';
import { fixedPointGaussian, gaussianBlurValues, gaussianSizeFor } from './gaussian';
import { storeFiltered } from './filtered';

export interface SharpenParams {
  method: 'unsharp_mask' | 'kernel';
  amount: number;
  sigma: number;
}

export const sharpen: ModuleDefinition<SharpenParams> = {
  name: 'sharpen',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Enhance edges with an unsharp mask or a 3×3 sharpening kernel.',
  params: {
    type: 'object',
    properties: {
      method: {
        type: 'string',
        enum: ['unsharp_mask', 'kernel'],
        default: 'unsharp_mask',
        description: 'unsharp_mask: add back the difference to a blur; kernel: 3×3 Laplacian.'
      },
      amount: {
        type: 'number',
        minimum: 0,
        maximum: 10,
        default: 1,
        description: 'Strength of the sharpening.'
      },
      sigma: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 20,
        default: 1,
        description: 'Blur standard deviation in pixels; unsharp_mask only.'
      }
    },
    additionalProperties: false,
    if: { required: ['method'], properties: { method: { const: 'kernel' } } },
    then: {
      properties: { sigma: { const: 1 } },
      $comment: 'sigma applies only to the unsharp_mask method'
    }
  },
  apply(data, { method, amount, sigma }) {
    const [h, w, c] = planarShape(data, 'sharpen');
    const src = pixels(data, 'sharpen');
    const { dtype } = data.image.array;
    if (method === 'kernel') {
      const a = amount;
      const k = [0, -a, 0, -a, 1 + 4 * a, -a, 0, -a, 0];
      return storeFiltered(data, filter2D(src, h, w, c, k, 3, 3, 'reflect_101'));
    }
    const size = gaussianSizeFor(sigma, dtype === 'uint8');
    // The blurred image is in the dtype, as cv2.GaussianBlur returns it.
    if (dtype === 'uint8' || dtype === 'uint16') {
      // cv2.addWeighted of 8/16-bit images: float32 weights and float32 arithmetic.
      const alpha = Math.fround(1 + amount);
      const beta = Math.fround(-amount);
      const gray = kernelPixels(src, c);
      const kernel = fixedPointGaussian(size, sigma, dtype);
      const simd = gray && unsharpSimd(gray, h, w, kernel, alpha, beta);
      if (simd) {
        return withImage(data, {
          ...data.image.array,
          data: simd,
          shape: data.image.array.shape.slice()
        });
      }
      const blurred = gaussianBlurValues(src, dtype, h, w, c, size, sigma);
      const out = new Float32Array(src.length);
      for (let i = 0; i < src.length; i++) {
        out[i] = Math.fround(src[i] * alpha) + Math.fround(blurred[i] * beta);
      }
      return storeFiltered(data, out);
    }
    const blurred = gaussianBlurValues(src, dtype, h, w, c, size, sigma);
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = src[i] * (1 + amount) - blurred[i] * amount;
    return storeFiltered(data, out);
  }
};
