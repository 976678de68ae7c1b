/**
 * Sobel derivatives and magnitudes and Laplacians of one-channel uint8 / uint16 images to
 * float32, in the SIMD kernels of kernel/assembly/correlate.ts: integer kernels whose sums
 * stay exact in float32, so the values equal the engine's float64 sums stored as float32.
 */
import { imageKernels, KERNEL_BORDERS, type PixelArray } from './wasm-kernels';

/** A square kernel of odd side (row-major weights). */
export interface Kernel2D {
  weights: ArrayLike<number>;
  size: number;
}

/** ky ⊗ kx as a Kernel2D (ky down the rows, kx along them; both of the same odd length). */
export function outer(kx: ArrayLike<number>, ky: ArrayLike<number>): Kernel2D {
  const size = kx.length;
  const weights = new Float64Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) weights[y * size + x] = ky[y] * kx[x];
  return { weights, size };
}

/** (dy, dx, weight) of the non-zero taps, or null unless every weight is an integer. */
function integerTaps({ weights, size }: Kernel2D): Int32Array | null {
  const r = size >> 1;
  const taps: number[] = [];
  for (let i = 0; i < weights.length; i++) {
    const v = weights[i];
    if (!Number.isInteger(v)) return null;
    if (v !== 0) taps.push(Math.floor(i / size) - r, (i % size) - r, v);
  }
  return Int32Array.from(taps);
}

/**
 * The correlation of src with `kernel` (reflect_101 borders) as float32, or with `second` as
 * well, the magnitude sqrt(a² + b²); null where these kernels do not apply.
 */
export function correlateSimd(
  src: PixelArray,
  h: number,
  w: number,
  kernel: Kernel2D,
  second?: Kernel2D
): Float32Array | null {
  const k = imageKernels();
  const taps = integerTaps(kernel);
  const taps2 = second ? integerTaps(second) : new Int32Array(0);
  if (!k || !taps || !taps2 || w < 4 || kernel.size % 2 === 0) return null;
  if (second && second.size !== kernel.size) return null;
  // Every sum exact in float32 (and int32): max · Σ|w| < 2^24.
  const max = src instanceof Uint8Array ? 255 : 65535;
  const absSum = (t: Int32Array) => t.reduce((s, v, i) => (i % 3 === 2 ? s + Math.abs(v) : s), 0);
  if (max * Math.max(absSum(taps), absSum(taps2)) >= 1 << 24) return null;
  const largest = max * Math.max(absSum(taps), absSum(taps2));
  const r = kernel.size >> 1;
  const size = src.BYTES_PER_ELEMENT;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(h * w * 4);
  const padded = k.alloc((h + 2 * r) * (w + 2 * r) * size);
  const at = k.put(taps);
  const at2 = k.put(taps2);
  const count = taps.length / 3;
  const count2 = taps2.length / 3;
  const scratch = k.alloc(20 * (count + count2) + 16);
  // Plain correlations of uint8 images whose sums fit 16 bits: eight lanes at a time.
  const narrow = size === 1 && !second && largest < 1 << 15 && w >= 8 ? 1 : 0;
  k.exports.correlate(
    size,
    from,
    to,
    padded,
    scratch,
    h,
    w,
    r,
    at,
    count,
    at2,
    count2,
    second ? 1 : 0,
    narrow
  );
  return k.takeFloat32(to, h * w);
}

/**
 * The 3×3 Sobel derivative (x or y) or gradient magnitude of a uint8 / uint16 image as float32
 * (reflect_101 borders), separably in 16-bit (uint8) or 32-bit lanes; null where the kernels
 * do not apply.
 */
export function sobel3Simd(
  src: PixelArray,
  h: number,
  w: number,
  direction: 'x' | 'y' | 'magnitude'
): Float32Array | null {
  const k = imageKernels();
  const wide = src instanceof Uint16Array;
  if (!k || w < (wide ? 4 : 8)) return null;
  k.reset();
  const from = k.put(src);
  const padded = k.alloc((h + 2) * (w + 2) * src.BYTES_PER_ELEMENT);
  const line = k.alloc((wide ? 8 : 4) * (w + 2) + 16);
  const to = k.alloc(h * w * 4);
  const what = { x: 0, y: 1, magnitude: 2 }[direction];
  if (wide) {
    k.exports.padImageU16(from, padded, h, w, 1, KERNEL_BORDERS.reflect_101);
    k.exports.sobel3U16(padded, to, line, h, w, what);
  } else {
    k.exports.padImageU8(from, padded, h, w, 1, KERNEL_BORDERS.reflect_101);
    k.exports.sobel3U8(padded, to, line, h, w, what);
  }
  return k.takeFloat32(to, h * w);
}

/**
 * cv2.Laplacian with ksize 1 or 3 of a uint16 image as float32 (reflect_101 borders), by
 * shifts and adds; null where the kernels do not apply (uint8 takes correlateSimd's 16-bit
 * lanes).
 */
export function laplacian3Simd(
  src: PixelArray,
  h: number,
  w: number,
  kernelSize: number
): Float32Array | null {
  const k = imageKernels();
  if (!k || !(src instanceof Uint16Array) || w < 8 || kernelSize > 3) return null;
  k.reset();
  const from = k.put(src);
  const padded = k.alloc((h + 2) * (w + 2) * 2);
  const to = k.alloc(h * w * 4);
  k.exports.padImageU16(from, padded, h, w, 1, KERNEL_BORDERS.reflect_101);
  k.exports.laplacian3U16(padded, to, h, w, kernelSize === 3 ? 1 : 0);
  return k.takeFloat32(to, h * w);
}
