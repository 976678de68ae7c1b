/**
 * Separable blurs of one-channel uint8 / uint16 images in the SIMD kernels of
 * kernel/assembly/separable.ts, for kernels whose weights are integers over a common scale:
 * the Gaussian's fixed 3/5/7-tap kernels (over 4, 16, 64) and box kernels (all equal, odd
 * length). Integer sums are exact, and so are the engine's float64 sums of such weights, so
 * both give the same rounded values.
 */
import { imageKernels, KERNEL_BORDERS, type ImageKernels, type PixelArray } from './wasm-kernels';

/** The kernel as integer weights over `scale`, or null when it is not of that form. */
export function integerWeights(
  kernel: ArrayLike<number>
): { weights: Int32Array; scale: number } | null {
  const taps = kernel.length;
  if (taps % 2 === 0) return null;
  if (Array.prototype.every.call(kernel, (v: number) => v === kernel[0])) {
    // Box: every weight 1/taps (as the caller built it), sum over taps.
    return kernel[0] === 1 / taps ? { weights: new Int32Array(taps).fill(1), scale: taps } : null;
  }
  for (let scale = 2; scale <= 4096; scale *= 2) {
    const weights = Int32Array.from(kernel, v => v * scale);
    const exact = weights.every((v, i) => v === kernel[i] * scale && v > 0);
    if (exact && weights.reduce((a, b) => a + b, 0) === scale) return { weights, scale };
  }
  return null;
}

export type SeparableBorder = keyof typeof KERNEL_BORDERS;

/**
 * Blurs the image at `from` (h×w values of `size` bytes, already in the kernels' memory) into
 * a new buffer there; returns its address, or null where these kernels do not apply.
 */
function blurInMemory(
  k: ImageKernels,
  from: number,
  size: number,
  h: number,
  w: number,
  kernel: ArrayLike<number>,
  border: SeparableBorder
): number | null {
  const integer = integerWeights(kernel);
  if (!integer || w < 4) return null;
  const { weights, scale } = integer;
  const area = scale * scale;
  const powerOfTwo = (scale & (scale - 1)) === 0;
  // An odd scale divides in float32: exact and never near a tie while max·area < 2^23.
  if (!powerOfTwo && (size === 1 ? 255 : 65535) * area >= 1 << 23) return null;
  const shift = powerOfTwo ? Math.log2(area) : -1;
  const to = k.alloc(h * w * size);
  const taps = k.put(weights);
  const mode = KERNEL_BORDERS[border];
  const scratch = 16 + 20 * weights.length;
  const symmetric = weights.every((v, i) => v === weights[weights.length - 1 - i]);
  if (size === 1 && 255 * area <= 65535 && w >= 16 && symmetric) {
    // Sums fit 16 bits: eight lanes, one cached line of vertical sums per row.
    const line = k.alloc((w + weights.length) * 2 + scratch);
    k.exports.separableU8Narrow(from, to, line, h, w, taps, weights.length, shift, area, mode);
    return to;
  }
  const sums = k.alloc(h * w * 4);
  const pad = k.alloc((w + weights.length) * size + scratch);
  k.exports.separable(size, from, to, sums, pad, h, w, taps, weights.length, shift, area, mode);
  return to;
}

/**
 * src correlated with kernel ⊗ kernel, rounded half to even into src's type; null where these
 * kernels do not apply.
 */
export function separableSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  kernel: ArrayLike<number>,
  border: SeparableBorder = 'reflect_101'
): T | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const to = blurInMemory(k, k.put(src), src.BYTES_PER_ELEMENT, h, w, kernel, border);
  return to === null ? null : k.take(src, to, h * w);
}

/**
 * cv2.adaptiveThreshold of a uint8 image: fg where src − mean > −delta (invert: ≤), else 0,
 * with mean the uint8-rounded blur of src by kernel ⊗ kernel with replicated borders; null
 * where these kernels do not apply.
 */
export function adaptiveThresholdSimd(
  src: Uint8Array,
  h: number,
  w: number,
  kernel: ArrayLike<number>,
  delta: number,
  fg: number,
  invert: boolean
): Uint8Array | null {
  const k = imageKernels();
  if (!k || h * w < 16) return null;
  k.reset();
  const from = k.put(src);
  const mean = blurInMemory(k, from, 1, h, w, kernel, 'replicate');
  if (mean === null) return null;
  const to = k.alloc(h * w);
  k.exports.adaptiveThresholdU8(from, mean, to, h * w, delta, fg, invert ? 1 : 0);
  return k.take(src, to, h * w);
}

/**
 * Blurs the image at `from` with any float64 kernel (⊗ itself, reflect_101) into a new buffer
 * of the kernels' memory, with the values of the engine's float64 separableFilter rounded
 * into the image's type; returns its address.
 */
function blurFloatInMemory(
  k: ImageKernels,
  from: number,
  size: number,
  h: number,
  w: number,
  kernel: ArrayLike<number>
): number {
  const taps = kernel.length;
  const to = k.alloc(h * w * size);
  const row = k.alloc((w + taps) * 8);
  const sums = k.alloc(h * w * 8);
  const rows = k.alloc(taps * 4);
  const weights = k.put(Float64Array.from(kernel));
  k.exports.blurFloat(size, from, to, row, sums, rows, h, w, weights, taps);
  return to;
}

/** separableSimd for any odd-length float64 kernel with reflect_101 borders (two lanes). */
export function blurFloatSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  kernel: ArrayLike<number>
): T | null {
  const k = imageKernels();
  if (!k || w < 2 || kernel.length % 2 === 0) return null;
  k.reset();
  const to = blurFloatInMemory(k, k.put(src), src.BYTES_PER_ELEMENT, h, w, kernel);
  return k.take(src, to, h * w);
}

/**
 * Unsharp masking as the sharpen module does it: the blur rounded into the image's type, then
 * round(src · (1 + amount) − blurred · amount), saturated.
 */
export function unsharpSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  kernel: ArrayLike<number>,
  amount: number
): T | null {
  const k = imageKernels();
  if (!k || w < 2 || kernel.length % 2 === 0) return null;
  const size = src.BYTES_PER_ELEMENT;
  k.reset();
  const from = k.put(src);
  const blurred = blurFloatInMemory(k, from, size, h, w, kernel);
  const to = k.alloc(h * w * size);
  k.exports.unsharp(size, from, blurred, to, h * w, amount);
  return k.take(src, to, h * w);
}
