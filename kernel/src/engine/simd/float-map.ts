/**
 * Linear maps of uint8 / uint16 images to float32, and uint16 image statistics, in the kernels
 * of kernel/assembly/float-map.ts. Each returns null where the kernels are not loaded.
 */
import { imageKernels, type PixelArray } from './wasm-kernels';

/** (src − a) · s + b in float32 arithmetic, clamped to [lo, hi]. */
export function affineFloat32Simd(
  src: PixelArray,
  a: number,
  s: number,
  b: number,
  lo: number,
  hi: number
): Float32Array | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(src.length * 4);
  k.exports.affineF32(src.BYTES_PER_ELEMENT, from, to, src.length, a, s, b, lo, hi);
  return k.takeFloat32(to, src.length);
}

/** Exact Σv and Σv², and the extremes, of a uint16 image. */
export interface Moments {
  sum: bigint;
  squares: bigint;
  min: number;
  max: number;
}

/**
 * float32((src − a) · s) in float64 arithmetic, with a and s chosen by `pick` from the image's
 * moments: the image goes into the kernels' memory once for both passes.
 */
export function standardizeU16Simd<S extends { a: number; s: number }>(
  src: Uint16Array,
  pick: (moments: Moments) => S
): { out: Float32Array; moments: Moments; scaling: S } | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const from = k.put(src);
  const stats = k.alloc(32);
  k.exports.statsU16(from, src.length, stats);
  const [sum, squares, min, max] = new BigUint64Array(k.exports.memory.buffer, stats, 4);
  const moments = { sum, squares, min: Number(min), max: Number(max) };
  const scaling = pick(moments);
  const to = k.alloc(src.length * 4);
  k.exports.scaledF32U16(from, to, src.length, scaling.a, scaling.s);
  return { out: k.takeFloat32(to, src.length), moments, scaling };
}

/**
 * src + offsets, rounded half to even and saturated to the type (as storeValues), or null
 * without the kernels. `fill` writes the n float64 offsets straight into the kernels' memory
 * (Gaussian noise draws them there), so they are not copied in; it must not call a kernel.
 */
export function addRoundedSimd<T extends PixelArray>(
  src: T,
  fill: (offsets: Float64Array) => void
): T | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const offsets = k.alloc(src.length * 8);
  const from = k.put(src);
  const to = k.alloc(src.byteLength);
  // After the last alloc, so that memory does not grow (which would detach the view) meanwhile.
  fill(new Float64Array(k.exports.memory.buffer, offsets, src.length));
  k.exports.addRoundedF64(src.BYTES_PER_ELEMENT, from, offsets, to, src.length);
  return k.take(src, to, src.length);
}
