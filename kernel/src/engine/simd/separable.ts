/**
 * Separable blurs of one-channel uint8 / uint16 images in the SIMD kernels of
 * kernel/assembly/separable.ts, for kernels whose weights are integers over a common scale:
 * the Gaussian's fixed 3/5/7-tap kernels (over 4, 16, 64) and box kernels (all equal, odd
 * length). Integer sums are exact, and so are the engine's float64 sums of such weights, so
 * both give the same rounded values.
 */
import { imageKernels, type PixelArray } from './wasm-kernels';

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

/**
 * src correlated with kernel ⊗ kernel (reflect_101 borders), rounded half to even into src's
 * type; null where these kernels do not apply.
 */
export function separableSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  kernel: ArrayLike<number>
): T | null {
  const k = imageKernels();
  const integer = integerWeights(kernel);
  if (!k || !integer || w < 4) return null;
  const { weights, scale } = integer;
  const size = src.BYTES_PER_ELEMENT;
  const area = scale * scale;
  const powerOfTwo = (scale & (scale - 1)) === 0;
  // An odd scale divides in float32: exact and never near a tie while max·area < 2^23.
  if (!powerOfTwo && (size === 1 ? 255 : 65535) * area >= 1 << 23) return null;
  const shift = powerOfTwo ? Math.log2(area) : -1;
  const n = h * w;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(n * size);
  const taps = k.put(weights);
  if (size === 1 && 255 * area <= 65535 && w >= 8) {
    // Sums fit 16 bits: eight lanes, one cached line of vertical sums per row.
    const line = k.alloc((w + weights.length) * 2 + 16 + 20 * weights.length);
    k.exports.separableU8Narrow(from, to, line, h, w, taps, weights.length, shift, area);
    return k.take(src, to, n);
  }
  const sums = k.alloc(n * 4);
  const pad = k.alloc((w + weights.length) * size + 16 + 20 * weights.length);
  const run = size === 1 ? k.exports.separableU8 : k.exports.separableU16;
  run(from, to, sums, pad, h, w, taps, weights.length, shift, area);
  return k.take(src, to, n);
}
