/**
 * Separable blurs of one-channel uint8 / uint16 images in the SIMD kernels of
 * kernel/assembly/separable.ts, for kernels whose weights are integers over a common scale:
 * OpenCV's fixed-point Gaussians (over 2^8 for uint8, 2^16 for uint16, rounded half up) and
 * box kernels (all equal, odd length, by running sums, rounded half to even). Integer sums are exact, and so
 * are the engine's float64 sums of such weights, so both give the same rounded values.
 */
import { imageKernels, KERNEL_BORDERS, type ImageKernels, type PixelArray } from './wasm-kernels';

/** Integer weights over `scale` (a power of two or odd), and how the quotient rounds. */
export interface IntegerKernel {
  weights: Int32Array;
  scale: number;
  halfUp: boolean;
}

/** A box kernel of odd size (every weight 1), rounded half to even as cv2.blur. */
export function boxKernel(size: number): IntegerKernel {
  return { weights: new Int32Array(size).fill(1), scale: size, halfUp: false };
}

/** A box kernel (every weight 1/taps, odd taps) as integer weights, or null for another kernel. */
export function boxWeights(kernel: ArrayLike<number>): IntegerKernel | null {
  const taps = kernel.length;
  if (taps % 2 === 0) return null;
  const box = Array.prototype.every.call(kernel, (v: number) => v === 1 / taps);
  return box ? boxKernel(taps) : null;
}

/** The kernel with common factors of two taken out of its weights and its (even) scale. */
function reduced({ weights, scale, halfUp }: IntegerKernel): IntegerKernel {
  let w = weights;
  let s = scale;
  while (s % 2 === 0 && w.every(v => v % 2 === 0)) {
    w = w.map(v => v / 2);
    s /= 2;
  }
  return { weights: w, scale: s, halfUp };
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
  kernel: IntegerKernel,
  border: SeparableBorder
): number | null {
  if (w < 4 || kernel.weights.length % 2 === 0) return null;
  const n = kernel.weights.length;
  if (!kernel.halfUp && kernel.scale === n && kernel.weights.every(v => v === 1)) {
    // A box of any size: running sums, the same cost for 3 taps as for 99.
    const to = k.alloc(h * w * size);
    const line = k.alloc((2 * (w + n) + 8) * 4);
    k.exports.box(size, from, to, line, h, w, n, KERNEL_BORDERS[border], 1 / (n * n));
    return to;
  }
  const { weights, scale, halfUp } = reduced(kernel);
  // Other kernels divide by a power of two (a shift).
  if ((scale & (scale - 1)) !== 0) return null;
  const area = scale * scale;
  const max = size === 1 ? 255 : 65535;
  const shift = Math.log2(area);
  const to = k.alloc(h * w * size);
  const taps = k.put(weights);
  const count = weights.length;
  const mode = KERNEL_BORDERS[border];
  const up = halfUp ? 1 : 0;
  const scratch = 16 + 20 * count;
  const symmetric = weights.every((v, i) => v === weights[count - 1 - i]);
  const narrow = max * area + area / 2 <= 65535;
  if (size === 1 && w >= 16 && symmetric && (narrow || max * scale <= 65535)) {
    // Vertical sums fit 16 bits (the whole sum too, unless `wide`): eight lanes, one cached
    // line of vertical sums per row.
    const line = k.alloc((w + count) * 2 + scratch);
    const wide = narrow ? 0 : 1;
    k.exports.separableU8Narrow(from, to, line, h, w, taps, count, shift, mode, up, wide);
    return to;
  }
  if (max * area + area / 2 >= 2 ** 32) {
    // uint16 with 16-bit weights: sums beyond 32 bits, kept in two 32-bit planes (symmetric
    // weights rounded half up, 17 <= shift <= 32: see the kernel).
    if (!halfUp || !symmetric || shift < 17 || shift > 32) return null;
    const planes = k.alloc((w + count) * 8);
    const lanes = k.alloc(scratch);
    k.exports.separableU16Wide(from, to, planes, lanes, h, w, taps, count, shift, mode);
    return to;
  }
  const line = k.alloc((w + count) * 4);
  const lanes = k.alloc(scratch);
  k.exports.separable(size, from, to, line, lanes, h, w, taps, count, shift, mode, up);
  return to;
}

/**
 * src correlated with kernel ⊗ kernel, divided by its scale and rounded into src's type; null
 * where these kernels do not apply.
 */
export function separableSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  kernel: IntegerKernel,
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
  kernel: IntegerKernel,
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
 * Unsharp masking as the sharpen module does it for 8/16-bit images: the blur (an integer
 * kernel, rounded into the image's type as cv2.GaussianBlur returns it), then src · α +
 * blurred · β in float32 (cv2.addWeighted), rounded half to even and saturated; null where
 * these kernels do not apply.
 */
export function unsharpSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  kernel: IntegerKernel,
  alpha: number,
  beta: number
): T | null {
  const k = imageKernels();
  const size = src.BYTES_PER_ELEMENT;
  if (!k || h * w * size < 16) return null;
  k.reset();
  const from = k.put(src);
  const blurred = blurInMemory(k, from, size, h, w, kernel, 'reflect_101');
  if (blurred === null) return null;
  const to = k.alloc(h * w * size);
  k.exports.unsharp(size, from, blurred, to, h * w, alpha, beta);
  return k.take(src, to, h * w);
}
