/** Helpers shared by the image-processing modules. */
import type { DataDict, ImageHeader } from '../data/datadict';
import type { DType, NDArray, NumericArray } from '../data/ndarray';
import type { ParamSchema } from './types';

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

/** Rounds and clamps to an integer dtype, or passes floats through. */
export function storeAs(dtype: DType, value: number): number {
  switch (dtype) {
    case 'uint8':
      return Math.min(255, Math.max(0, Math.round(value)));
    case 'uint16':
      return Math.min(65535, Math.max(0, Math.round(value)));
    case 'int8':
      return Math.min(127, Math.max(-128, Math.round(value)));
    case 'int16':
      return Math.min(32767, Math.max(-32768, Math.round(value)));
    case 'int32':
    case 'uint32':
      return Math.round(value);
    default:
      return value;
  }
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
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = (src[i] - lo) * scale + min;
  return withImage(
    data,
    { data: out, shape: data.image.array.shape.slice(), dtype: 'float32' },
    { pixel_value_range: [min, max] }
  );
}
