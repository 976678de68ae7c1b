/** Helpers shared by the image-processing modules. */
import type { DataDict, ImageHeader } from '../data/datadict';
import { allocate, dtypeRange, isIntegerDType } from '../data/ndarray';
import type { DType, NDArray, NumericArray } from '../data/ndarray';
import type { ParamSchema } from './types';
import {
  affineFloat32,
  cachedTable,
  lookupUint16,
  lookupUint8,
  tableUint16,
  tableUint8
} from './typed-loops';

/** A copy of `data` with a new image array; header fields follow the array. */
export function withImage(
  data: DataDict,
  array: NDArray,
  header: Partial<ImageHeader> = {}
): DataDict {
  return {
    ...data,
    image: {
      array,
      header: { ...data.image.header, ...header, dtype: array.dtype, ndim: array.shape.length }
    }
  };
}

/** The image's values as numbers; 64-bit integer images are not supported by modules. */
export function pixels(data: DataDict, module: string): NumericArray {
  const a = data.image.array.data;
  if (a instanceof BigInt64Array || a instanceof BigUint64Array) {
    throw new Error(`${module}: 64-bit integer images are not supported; convert them first`);
  }
  return a;
}

/**
 * The values of a uint8 or uint16 image as their typed array (what the point kernels take),
 * or null for any other dtype (bool images are Uint8Arrays too, with another range).
 */
export function integerPixels(data: DataDict): Uint8Array | Uint16Array | null {
  const { data: a, dtype } = data.image.array;
  if (a instanceof Uint8Array && dtype === 'uint8') return a;
  if (a instanceof Uint16Array && dtype === 'uint16') return a;
  return null;
}

/** Rounds half to even, as OpenCV's cvRound (lrint) does when it saturates to integers. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Rounds (half to even) and clamps to an integer dtype, or passes floats through. */
export function storeAs(dtype: DType, value: number): number {
  switch (dtype) {
    case 'bool':
      return value ? 1 : 0;
    case 'uint8':
      return Math.min(255, Math.max(0, roundHalfEven(value)));
    case 'uint16':
      return Math.min(65535, Math.max(0, roundHalfEven(value)));
    case 'int8':
      return Math.min(127, Math.max(-128, roundHalfEven(value)));
    case 'int16':
      return Math.min(32767, Math.max(-32768, roundHalfEven(value)));
    case 'int32':
      return Math.min(2147483647, Math.max(-2147483648, roundHalfEven(value)));
    case 'uint32':
      return Math.min(4294967295, Math.max(0, roundHalfEven(value)));
    default:
      return value;
  }
}

/**
 * A new array of the image's dtype and shape, filled by fn(value) per element. `key` names
 * everything fn depends on (its parameters and the image's value range): 8/16-bit tables are
 * then built once per key and reused for the next images.
 */
export function mapValues(
  data: DataDict,
  module: string,
  fn: (v: number) => number,
  key?: string
): DataDict {
  const src = pixels(data, module);
  const { dtype, shape } = data.image.array;
  let out: NumericArray;
  if (src instanceof Uint8Array && (dtype === 'uint8' || dtype === 'bool')) {
    // 8-bit images: fn once per possible value, then a table lookup per pixel.
    const build = () => tableUint8(fn, dtype);
    out = lookupUint8(src, key ? cachedTable(`${module}:${dtype}:${key}`, build) : build());
  } else if (src instanceof Uint16Array && dtype === 'uint16' && src.length >= 65536) {
    const build = () => tableUint16(fn);
    out = lookupUint16(src, key ? cachedTable(`${module}:uint16:${key}`, build) : build());
  } else if (
    isIntegerDType(dtype) &&
    src.length > 4096 &&
    dtype !== 'int32' &&
    dtype !== 'uint32'
  ) {
    const [lo, hi] = dtypeRange(dtype);
    const lut = allocate(dtype, hi - lo + 1);
    for (let v = lo; v <= hi; v++) lut[v - lo] = storeAs(dtype, fn(v));
    out = allocate(dtype, src.length);
    for (let i = 0; i < src.length; i++) out[i] = lut[src[i] - lo];
  } else {
    out = allocate(dtype, src.length);
    for (let i = 0; i < src.length; i++) out[i] = storeAs(dtype, fn(src[i]));
  }
  return withImage(data, { data: out, shape: shape.slice(), dtype });
}

/** Throws the standard message for a parameter the image at hand does not allow. */
export function paramError(module: string, param: string, value: unknown, allowed: string): Error {
  return new Error(`${module}: ${param} ${JSON.stringify(value)} is out of range (${allowed})`);
}

/** Refuses images whose dtype the module does not handle, saying what to do. */
export function requireDType(data: DataDict, module: string, allowed: DType[]): void {
  const dtype = data.image.array.dtype;
  if (!allowed.includes(dtype)) {
    throw new Error(
      `${module}: images of dtype ${dtype} are not supported (allowed: ${allowed.join(', ')}); ` +
        'convert them first (e.g. with rescale or ct_windowing)'
    );
  }
}

/** Output array shape for an H×W(×C) image of the same rank as the input. */
export function planarOut(data: DataDict, h: number, w: number, c: number): number[] {
  return data.image.array.shape.length === 2 ? [h, w] : [h, w, c];
}

/** (height, width, channels) of an H×W or H×W×C image. */
export function planarShape(data: DataDict, module: string): [number, number, number] {
  const s = data.image.array.shape;
  if (s.length === 2) return [s[0], s[1], 1];
  if (s.length === 3 && data.image.header.dim === 2) return [s[0], s[1], s[2]];
  throw new Error(`${module}: expects a 2D image (H×W or H×W×C), got shape (${s.join(', ')})`);
}

/** The [min, max] output-range parameters that rescale and min_max_normalization share. */
export interface OutputRange {
  min: number;
  max: number;
}

/** JSON Schema of OutputRange, with what min and max mean for the module at hand. */
export function outputRangeSchema(minMeaning: string, maxMeaning: string): ParamSchema {
  return {
    type: 'object',
    properties: {
      min: { type: 'number', default: 0, description: minMeaning },
      max: { type: 'number', default: 1, description: maxMeaning }
    },
    additionalProperties: false
  };
}

export function checkOutputRange(p: OutputRange): string[] {
  return p.min < p.max ? [] : [`min must be < max (got min ${p.min}, max ${p.max})`];
}

/** Maps values linearly from [lo, hi] to [min, max] as float32 (a flat range maps to min). */
export function mapRange(
  data: DataDict,
  src: NumericArray,
  [lo, hi]: [number, number],
  { min, max }: OutputRange
): DataDict {
  const scale = hi > lo ? (max - min) / (hi - lo) : 0;
  // In float32 arithmetic, as numpy and OpenCV compute on float32 arrays; clamped, so that the
  // declared range holds where the rounded product lands a step past max.
  const out = affineFloat32(src, lo, scale, min, Math.min(min, max), Math.max(min, max));
  return withImage(
    data,
    { data: out, shape: data.image.array.shape.slice(), dtype: 'float32' },
    { pixel_value_range: [min, max] }
  );
}
