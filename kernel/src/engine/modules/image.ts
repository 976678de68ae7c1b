/** Helpers shared by the image-processing modules. */
import type { DataDict, ImageHeader } from '../data/datadict';
import type { DType, NDArray, NumericArray } from '../data/ndarray';

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
