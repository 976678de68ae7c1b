/**
 * Gaussian kernels and blurs as OpenCV computes them (smooth.dispatch.cpp), shared by
 * gaussian_blur, sharpen and the adaptive threshold.
 *
 * Float images use the float64 kernel of cv2.getGaussianKernel. 8- and 16-bit images use
 * OpenCV's bit-exact fixed-point blur: the kernel rounded to integers over 2^8 (uint8) or
 * 2^16 (uint16) by error diffusion, so that they sum to exactly one; exact integer sums along
 * both axes; the quotient by 2^16 or 2^32 rounded half up. The values then equal
 * cv2.GaussianBlur to the bit (kernel/src/engine/modules/reference checks it), which a float
 * blur rounded at the end does not: it differs by one wherever OpenCV's rounded weights move
 * a value across a half.
 */
import type { DType, NumericArray } from '../data/ndarray';
import { separableSimd, type IntegerKernel, type SeparableBorder } from '../simd/separable';
import { kernelPixels, type PixelArray } from '../simd/wasm-kernels';
import { separableFilter } from './filters';
import { roundHalfEven } from './image';
import { storeValues } from './typed-loops';

/** cv2.getGaussianKernel's fixed kernels for sizes up to 7 when sigma ≤ 0. */
const SMALL_KERNELS: Record<number, number[]> = {
  1: [1],
  3: [0.25, 0.5, 0.25],
  5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
  7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125]
};

/**
 * Gaussian kernel as cv2.getGaussianKernel (getGaussianKernelBitExact): the small fixed
 * kernels when sigma ≤ 0, else exp(−x²/(2σ²)) normalised, with σ = 0.15·size + 0.35 when
 * sigma ≤ 0, evaluated in OpenCV's order so that the fixed-point rounding sees the same values.
 */
export function gaussianKernel(size: number, sigma: number): Float64Array {
  if (sigma <= 0 && SMALL_KERNELS[size]) return Float64Array.from(SMALL_KERNELS[size]);
  const s = sigma > 0 ? sigma : size * 0.15 + 0.35;
  // OpenCV writes x² / (2σ²) as (2x)² · (−0.125/σ²), with 2x = 1 − size, 3 − size, …
  const scale = -0.125 / (s * s);
  const half = (size - 1) >> 1;
  const k = new Float64Array(size);
  let sum = 0;
  for (let i = 0, x = 1 - size; i < half; i++, x += 2) {
    k[i] = Math.exp(x * x * scale);
    sum += k[i];
  }
  sum = sum * 2 + 1 + (size % 2 === 0 ? 1 : 0);
  const inverse = 1 / sum;
  for (let i = 0; i < half; i++) {
    k[i] *= inverse;
    k[size - 1 - i] = k[i];
  }
  k[half] = inverse;
  if (size % 2 === 0) k[half + 1] = inverse;
  return k;
}

/** Kernel size OpenCV picks for a sigma when the size is 0 (8-bit: 3σ, else 4σ, odd). */
export function gaussianSizeFor(sigma: number, eightBit: boolean): number {
  return Math.max(1, Math.round(sigma * (eightBit ? 3 : 4) * 2 + 1) | 1);
}

/**
 * The odd-length kernel in fixed point with `bits` fraction bits, as OpenCV's
 * getGaussianKernelFixedPoint_ED: each outer weight rounded after adding the rounding error
 * of the one before (error diffusion), mirrored, and the centre weight taking what is left, so
 * that the weights sum to exactly 2^bits.
 */
export function fixedPointWeights(kernel: ArrayLike<number>, bits: number): Int32Array {
  const n = kernel.length;
  const one = 2 ** bits;
  const weights = new Int32Array(n);
  let error = 0;
  let sum = 0;
  for (let i = 0; i < n >> 1; i++) {
    const adjusted = kernel[i] * one + error;
    const v = roundHalfEven(adjusted);
    error = adjusted - v;
    weights[i] = weights[n - 1 - i] = v;
    sum += v;
  }
  weights[n >> 1] = one - 2 * sum;
  return weights;
}

/** The integer kernel cv2.GaussianBlur uses for 8-bit (8 fraction bits) or 16-bit images. */
export function fixedPointGaussian(size: number, sigma: number, dtype: 'uint8' | 'uint16') {
  const bits = dtype === 'uint8' ? 8 : 16;
  const kernel: IntegerKernel = {
    weights: fixedPointWeights(gaussianKernel(size, sigma), bits),
    scale: 2 ** bits,
    halfUp: true
  };
  return kernel;
}

/**
 * cv2.getGaussianKernel's small fixed kernels (size ≤ 7, sigma 0) as integers over 4, 16 or
 * 64, rounded half to even as float arithmetic on them would be; null for other sizes.
 */
export function smallGaussian(size: number): IntegerKernel | null {
  const k = SMALL_KERNELS[size];
  if (!k) return null;
  const scale = 2 ** (size - 1);
  return { weights: Int32Array.from(k, v => v * scale), scale, halfUp: false };
}

/**
 * src (h×w×c values) correlated with kernel ⊗ kernel, divided by scale² and rounded as the
 * kernel says, in src's type: the SIMD kernels for one channel, else float64 sums, which are
 * exact for these weights (below 2^53 even for uint16 over 2^32).
 */
export function integerBlur<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  c: number,
  kernel: IntegerKernel,
  border: SeparableBorder
): T {
  const gray = kernelPixels(src, c);
  const simd = gray && separableSimd(gray, h, w, kernel, border);
  if (simd) return simd as T;
  const sums = separableFilter(src, h, w, c, kernel.weights, kernel.weights, border);
  const area = kernel.scale * kernel.scale;
  const out = (
    src instanceof Uint8Array ? new Uint8Array(src.length) : new Uint16Array(src.length)
  ) as T;
  if (kernel.halfUp) {
    for (let i = 0; i < sums.length; i++) out[i] = Math.floor((sums[i] + area / 2) / area);
  } else {
    for (let i = 0; i < sums.length; i++) out[i] = roundHalfEven(sums[i] / area);
  }
  return out;
}

/**
 * cv2.GaussianBlur with reflect_101 borders, in the image's dtype: bit-exact fixed point for
 * uint8 / uint16, float64 sums rounded into the dtype for the others.
 */
export function gaussianBlurValues(
  src: NumericArray,
  dtype: DType,
  h: number,
  w: number,
  c: number,
  size: number,
  sigma: number
): NumericArray {
  if (
    (dtype === 'uint8' && src instanceof Uint8Array) ||
    (dtype === 'uint16' && src instanceof Uint16Array)
  ) {
    return integerBlur(src, h, w, c, fixedPointGaussian(size, sigma, dtype), 'reflect_101');
  }
  const k = gaussianKernel(size, sigma);
  return storeValues(dtype, separableFilter(src, h, w, c, k, k, 'reflect_101'));
}
