/**
 * Tight loops over typed arrays, one element type per function. V8 compiles a loop that only
 * ever sees one typed-array kind to fast machine code; a helper shared by every dtype (uint8,
 * uint16, float32 … through one `NumericArray` parameter) becomes megamorphic and several
 * times slower. Modules route their per-pixel work through these functions.
 */
import { allocate, valueRange, type DType, type NumericArray } from '../data/ndarray';
import { roundHalfEven, storeAs } from './image';
import {
  bitwiseSimd,
  extremesSimd,
  histogramSimd,
  lookupFloat32Simd,
  lookupSimd
} from '../simd/point';
import { affineFloat32Simd } from '../simd/float-map';

/**
 * out = lut[src] for uint8 images, four pixels per 32-bit word. Copies first, so that the
 * word view is aligned whatever the source's byte offset.
 */
export function lookupUint8(src: Uint8Array, lut: Uint8Array): Uint8Array {
  // Bitwise tables (invert over the full range, bit masks, identity) need no lookup at all.
  const xor = lut[0];
  const and = lut[255];
  let isXor = true;
  let isAnd = true;
  for (let v = 0; v < 256; v++) {
    if (lut[v] !== (v ^ xor)) isXor = false;
    if (lut[v] !== (v & and)) isAnd = false;
  }
  const simd = isXor
    ? bitwiseSimd(src, xor * 0x01010101, 'xor')
    : isAnd
      ? bitwiseSimd(src, and * 0x01010101, 'and')
      : lookupSimd(src, lut);
  if (simd) return simd;
  const out = new Uint8Array(src.length);
  out.set(src);
  const words = new Uint32Array(out.buffer, 0, out.length >> 2);
  if (isXor) {
    const m = xor * 0x01010101;
    for (let i = 0; i < words.length; i++) words[i] ^= m;
  } else if (isAnd) {
    const m = and * 0x01010101;
    for (let i = 0; i < words.length; i++) words[i] &= m;
  } else {
    for (let i = 0; i < words.length; i++) {
      const v = words[i];
      words[i] =
        lut[v & 255] |
        (lut[(v >>> 8) & 255] << 8) |
        (lut[(v >>> 16) & 255] << 16) |
        (lut[v >>> 24] << 24);
    }
  }
  for (let i = words.length << 2; i < out.length; i++) out[i] = lut[out[i]];
  return out;
}

/** out = lut[src] for uint16 images (a 65536-entry table), two pixels per 32-bit word. */
export function lookupUint16(src: Uint16Array, lut: Uint16Array): Uint16Array {
  const simd = lookupSimd(src, lut);
  if (simd) return simd;
  const out = new Uint16Array(src.length);
  out.set(src);
  const words = new Uint32Array(out.buffer, 0, out.length >> 1);
  for (let i = 0; i < words.length; i++) {
    const v = words[i];
    words[i] = lut[v & 0xffff] | (lut[v >>> 16] << 16);
  }
  if (out.length & 1) out[out.length - 1] = lut[out[out.length - 1]];
  return out;
}

/**
 * out = src ^ mask or src & mask, mask one pixel's bits (0xff / 0xffff: invert over the full
 * range; high bits: bit reduction). The kernels take 16 bytes per instruction; the loop here
 * takes a 32-bit word (four uint8 or two uint16 pixels) at a time.
 */
export function maskPixels<T extends Uint8Array | Uint16Array>(
  src: T,
  mask: number,
  op: 'xor' | 'and'
): T {
  const word = (src instanceof Uint8Array ? mask * 0x01010101 : mask | (mask << 16)) | 0;
  const simd = bitwiseSimd(src, word, op);
  if (simd) return simd;
  // A fresh copy starts at byte 0 of its buffer, so the word view is aligned. (Not slice():
  // on a Node Buffer that is a view of the source.)
  const out = (src instanceof Uint8Array ? new Uint8Array(src) : new Uint16Array(src)) as T;
  const words = new Int32Array(out.buffer, 0, out.byteLength >> 2);
  if (op === 'xor') for (let i = 0; i < words.length; i++) words[i] ^= word;
  else for (let i = 0; i < words.length; i++) words[i] &= word;
  for (let i = (words.length << 2) / out.BYTES_PER_ELEMENT; i < out.length; i++) {
    out[i] = op === 'xor' ? out[i] ^ mask : out[i] & mask;
  }
  return out;
}

/** The uint8 table of fn (rounded half to even, saturated, as storeAs). */
export function tableUint8(
  fn: (v: number) => number,
  dtype: 'uint8' | 'bool' = 'uint8'
): Uint8Array {
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = storeAs(dtype, fn(v));
  return lut;
}

/** The uint16 table of fn (rounded half to even, saturated). */
export function tableUint16(fn: (v: number) => number): Uint16Array {
  const lut = new Uint16Array(65536);
  for (let v = 0; v < 65536; v++) {
    const r = fn(v);
    // NaN fails both tests and stores as 0, as storeAs does.
    lut[v] = r >= 65535 ? 65535 : r <= 0 ? 0 : roundHalfEven(r);
  }
  return lut;
}

/** Float sums stored as uint8: Uint8ClampedArray rounds half to even and saturates. */
function storeUint8(values: Float64Array | Float32Array): Uint8Array {
  const clamped = new Uint8ClampedArray(values.length);
  clamped.set(values);
  return new Uint8Array(clamped.buffer);
}

function storeUint16(values: Float64Array | Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v >= 65535) out[i] = 65535;
    else if (v > 0) {
      // roundHalfEven inlined: Math.round rounds halves up; odd results of a tie step back.
      const r = Math.round(v);
      out[i] = r - v === 0.5 && (r & 1) === 1 ? r - 1 : r;
    } // else (≤ 0 or NaN) stays 0
  }
  return out;
}

/** Float results in a dtype: rounded half to even and saturated for integers (as storeAs). */
export function storeValues(dtype: DType, values: Float64Array | Float32Array): NumericArray {
  switch (dtype) {
    case 'uint8':
      return storeUint8(values);
    case 'uint16':
      return storeUint16(values);
    case 'float32':
      return values instanceof Float32Array ? values : new Float32Array(values);
    case 'float64':
      return values instanceof Float64Array ? values : new Float64Array(values);
    default: {
      const out = allocate(dtype, values.length);
      for (let i = 0; i < out.length; i++) out[i] = storeAs(dtype, values[i]);
      return out;
    }
  }
}

/** Counts of each value of a uint8 image (256 bins). */
export function histogramUint8(src: Uint8Array): Uint32Array {
  const simd = histogramSimd(src);
  if (simd) return simd;
  const counts = new Uint32Array(256);
  for (let i = 0; i < src.length; i++) counts[src[i]]++;
  return counts;
}

/** Counts of each value of a uint16 image (65536 bins). */
export function histogramUint16(src: Uint16Array): Uint32Array {
  const simd = histogramSimd(src);
  if (simd) return simd;
  const counts = new Uint32Array(65536);
  for (let i = 0; i < src.length; i++) counts[src[i]]++;
  return counts;
}

/** Counts of an 8- or 16-bit image, or null for other element types. */
export function integerHistogram(src: NumericArray): Uint32Array | null {
  if (src instanceof Uint8Array) return histogramUint8(src);
  if (src instanceof Uint16Array) return histogramUint16(src);
  return null;
}

/** [smallest, largest] value of src (±Infinity when empty), in the kernels for 8/16-bit images. */
export function extremesOf(src: NumericArray): [number, number] {
  if (src instanceof Uint8Array || src instanceof Uint16Array) {
    const simd = extremesSimd(src);
    if (simd) return simd;
  }
  return valueRange(src);
}

function floatLookupUint8(src: Uint8Array, lut: Float32Array): Float32Array {
  const simd = lookupFloat32Simd(src, lut);
  if (simd) return simd;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = lut[src[i]];
  return out;
}

function floatLookupUint16(src: Uint16Array, lut: Float32Array): Float32Array {
  const simd = lookupFloat32Simd(src, lut);
  if (simd) return simd;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = lut[src[i]];
  return out;
}

/**
 * (v − a) · s + b per pixel in float32 arithmetic (each step rounded to float32, as numpy and
 * OpenCV compute on float32 arrays), clamped to [lo, hi].
 */
export function affineFloat32(
  src: NumericArray,
  a: number,
  s: number,
  b: number,
  lo: number,
  hi: number
): Float32Array {
  const [fa, fs, fb, flo, fhi] = [a, s, b, lo, hi].map(Math.fround);
  if (src instanceof Uint8Array || src instanceof Uint16Array) {
    const simd = affineFloat32Simd(src, fa, fs, fb, flo, fhi);
    if (simd) return simd;
  }
  const f = (v: number) => {
    const y = Math.fround(Math.fround(Math.fround(v - fa) * fs) + fb);
    return y < flo ? flo : fhi < y ? fhi : y;
  };
  // 8/16-bit images without the kernels: once per value, then a lookup.
  if (src instanceof Uint8Array || src instanceof Uint16Array) return mapToFloat32(src, f);
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return out;
}

/**
 * float32 fn(value) per pixel. 8- and 16-bit images evaluate fn once per possible value
 * (uint16 only when the image has at least as many pixels as the table has entries); with a
 * `key` (everything fn depends on, prefixed by the caller's name) the table is reused.
 */
export function mapToFloat32(
  src: NumericArray,
  fn: (v: number) => number,
  key?: string
): Float32Array {
  const table = (size: number) => {
    const build = () => {
      const lut = new Float32Array(size);
      for (let v = 0; v < size; v++) lut[v] = fn(v);
      return lut;
    };
    return key ? cachedTable(`float32:${size}:${key}`, build) : build();
  };
  if (src instanceof Uint8Array) return floatLookupUint8(src, table(256));
  if (src instanceof Uint16Array && src.length >= 65536) {
    return floatLookupUint16(src, table(65536));
  }
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = fn(src[i]);
  return out;
}

const scratchBuffers = new Map<string, ArrayBuffer>();

/**
 * A temporary float64 array of n elements for use inside one synchronous call: the buffer of
 * each `slot` is kept and reused (grown when needed), so a filter on a 512² image does not
 * allocate — and have the OS zero — megabytes per call. Never return it or keep it past
 * the call; each caller uses its own slot name. Contents are undefined.
 */
export function scratchFloat64(slot: string, n: number): Float64Array {
  let buffer = scratchBuffers.get(slot);
  if (!buffer || buffer.byteLength < n * 8) {
    buffer = new ArrayBuffer(n * 8);
    scratchBuffers.set(slot, buffer);
  }
  return new Float64Array(buffer, 0, n);
}

/** scratchFloat64 for 16-bit unsigned values. */
export function scratchUint16(slot: string, n: number): Uint16Array {
  let buffer = scratchBuffers.get(slot);
  if (!buffer || buffer.byteLength < n * 2) {
    buffer = new ArrayBuffer(n * 2);
    scratchBuffers.set(slot, buffer);
  }
  return new Uint16Array(buffer, 0, n);
}

const tables = new Map<string, Uint8Array | Uint16Array | Float32Array>();

/**
 * A value table that depends only on parameters (module, dtype, parameter values in `key`),
 * built once and reused: a pipeline applies the same parameters to every image of a dataset,
 * and a 65536-entry table of pow() costs more than the lookups of a whole image. Keeps the
 * 16 most recently built tables.
 */
export function cachedTable<T extends Uint8Array | Uint16Array | Float32Array>(
  key: string,
  build: () => T
): T {
  const hit = tables.get(key);
  if (hit) return hit as T;
  const table = build();
  if (tables.size >= 16) tables.delete(tables.keys().next().value as string);
  tables.set(key, table);
  return table;
}

/**
 * Float64 working values that storeValues() will turn into a new array of `dtype`: a scratch
 * buffer, except for float64 images, whose values storeValues() returns as they are.
 */
export function valuesFor(dtype: DType, slot: string, n: number): Float64Array {
  return dtype === 'float64' ? new Float64Array(n) : scratchFloat64(slot, n);
}
