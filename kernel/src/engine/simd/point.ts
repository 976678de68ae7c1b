/**
 * Table lookups, histograms, extremes, bitwise masks and binary thresholds of uint8 / uint16 images in the kernels of
 * kernel/assembly/point.ts. Each returns null where the kernels are not loaded, and the
 * caller (modules/typed-loops.ts) loops in TypeScript instead.
 */
import { imageKernels, type ImageKernels, type PixelArray } from './wasm-kernels';

/** table[src] in src's type (a 256- or 65536-entry table of that type). */
export function lookupSimd<T extends PixelArray>(src: T, table: T): T | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const from = k.put(src);
  const lut = k.put(table);
  const to = k.alloc(src.byteLength);
  (src instanceof Uint8Array ? k.exports.lookupU8 : k.exports.lookupU16)(from, to, lut, src.length);
  return k.take(src, to, src.length);
}

/**
 * src · a + b in float32 (product, then sum, each rounded to float32), rounded half to even
 * and saturated to src's type, or null without the kernels.
 */
export function linearSimd<T extends PixelArray>(src: T, a: number, b: number): T | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  // In place: one buffer in the kernels' memory instead of two.
  const at = k.put(src);
  k.exports.linearF32(src.BYTES_PER_ELEMENT, at, at, src.length, a, b);
  return k.take(src, at, src.length);
}

/**
 * table[src] for 16-bit values and a 65536-entry uint8 table (int16 values index it at
 * value + 32768), or null without the kernels.
 */
export function lookupUint8Of16Simd(
  src: Uint16Array | Int16Array,
  table: Uint8Array
): Uint8Array | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const from = k.put(new Uint16Array(src.buffer, src.byteOffset, src.length));
  const lut = k.put(table);
  const to = k.alloc(src.length);
  k.exports.lookupU16U8(from, to, lut, src.length, src instanceof Int16Array ? 0x8000 : 0);
  return k.take(table, to, src.length);
}

/** table[src] as float32 (a 256- or 65536-entry table). */
export function lookupFloat32Simd(src: PixelArray, table: Float32Array): Float32Array | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const from = k.put(src);
  const lut = k.put(table);
  const to = k.alloc(src.length * 4);
  const run = src instanceof Uint8Array ? k.exports.lookupU8F32 : k.exports.lookupU16F32;
  run(from, to, lut, src.length);
  return k.takeFloat32(to, src.length);
}

/** Counts of each value (256 bins for uint8, 65536 for uint16). */
export function histogramSimd(src: PixelArray): Uint32Array | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const { hist, bins } = countInKernels(k, src, k.put(src));
  const out = new Uint32Array(bins);
  out.set(new Uint32Array(k.exports.memory.buffer, hist, bins));
  return out;
}

/** Counts the values of src (in the kernels at `from`); the counts' address and number. */
function countInKernels(k: ImageKernels, src: PixelArray, from: number) {
  const bins = src instanceof Uint8Array ? 256 : 65536;
  // uint8 counts into eight sub-histograms (8 KiB of scratch) and sums them into the first.
  const hist = k.alloc(Math.max(8192, bins * 4));
  (bins === 256 ? k.exports.histogramU8 : k.exports.histogramU16)(from, hist, src.length);
  return { hist, bins };
}

/** [smallest, largest] value of src (one vector at least), or null without the kernels. */
export function extremesSimd(src: PixelArray): [number, number] | null {
  const k = imageKernels();
  if (!k || src.byteLength < 16) return null;
  k.reset();
  const from = k.put(src);
  const out = k.alloc(32);
  k.exports.extremes(src.BYTES_PER_ELEMENT, from, src.length, out);
  const [lo, hi] = new Uint32Array(k.exports.memory.buffer, out, 2);
  return [lo, hi];
}

/** src ^ mask or src & mask, mask a 32-bit pattern (the value repeated over each word). */
export function bitwiseSimd<T extends PixelArray>(
  src: T,
  mask: number,
  op: 'xor' | 'and'
): T | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  // In place: one buffer in the kernels' memory instead of two.
  const at = k.put(src);
  k.exports.bitwise(at, at, src.byteLength, mask | 0, op === 'and' ? 1 : 0);
  return k.take(src, at, src.length);
}

/**
 * on where src > t, else off (values of src's type), for any threshold t: integer values are
 * above t exactly when they are above floor(t).
 */
export function binarySimd<T extends PixelArray>(
  src: T,
  t: number,
  on: number,
  off: number
): T | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  return binaryAt(k, src, k.put(src), t, on, off);
}

/**
 * Otsu's threshold and the binary map with the image copied into the kernels once: `pick`
 * chooses the threshold from the histogram (a view into the kernels' memory, valid only
 * during the call), then the map is computed from the same copy.
 */
export function histogramBinarySimd<T extends PixelArray>(
  src: T,
  pick: (hist: Uint32Array) => number,
  on: number,
  off: number
): T | null {
  const k = imageKernels();
  if (!k) return null;
  k.reset();
  const from = k.put(src);
  const { hist, bins } = countInKernels(k, src, from);
  const threshold = pick(new Uint32Array(k.exports.memory.buffer, hist, bins));
  return binaryAt(k, src, from, threshold, on, off);
}

/** binarySimd of src, already in the kernels' memory at `from`. */
function binaryAt<T extends PixelArray>(
  k: ImageKernels,
  src: T,
  from: number,
  t: number,
  on: number,
  off: number
): T {
  const max = src instanceof Uint8Array ? 255 : 65535;
  const floor = Math.floor(t);
  if (floor < 0 || floor >= max) {
    const out =
      src instanceof Uint8Array ? new Uint8Array(src.length) : new Uint16Array(src.length);
    return out.fill(floor < 0 ? on : off) as T;
  }
  const to = k.alloc(src.byteLength);
  k.exports.binary(src.BYTES_PER_ELEMENT, from, to, src.length, floor, on, off);
  return k.take(src, to, src.length);
}
