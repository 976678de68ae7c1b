/**
 * A minimal n-dimensional array: a typed array in C (row-major) order plus its shape and dtype.
 * This is the engine's currency for images and labels; it maps 1:1 to a numpy array so that
 * arrays can travel to a Python worker as raw bytes later.
 */

import { Buffer } from 'node:buffer';

/** Element types the engine reads and writes (numpy names). */
export type DType =
  | 'bool'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'uint32'
  | 'int32'
  | 'int64'
  | 'uint64'
  | 'float32'
  | 'float64';

export type TypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** The typed-array class of each dtype. */
export const TYPED_ARRAYS = {
  bool: Uint8Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array
} as const satisfies Record<DType, unknown>;

/** Typed arrays holding plain numbers (every dtype except int64/uint64). */
export type NumericArray = Exclude<TypedArray, BigInt64Array | BigUint64Array>;

export interface NDArray<T extends TypedArray = TypedArray> {
  data: T;
  shape: number[];
  dtype: DType;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Value range a dtype can hold; images of integer dtypes are rescaled from this range. */
export function dtypeRange(dtype: DType): [number, number] {
  switch (dtype) {
    case 'bool':
      return [0, 1];
    case 'uint8':
      return [0, 255];
    case 'int8':
      return [-128, 127];
    case 'uint16':
      return [0, 65535];
    case 'int16':
      return [-32768, 32767];
    case 'uint32':
      return [0, 4294967295];
    case 'int32':
      return [-2147483648, 2147483647];
    default:
      return [0, 1];
  }
}

/** Allocates a typed array of a numeric dtype. */
export function allocate(dtype: DType, length: number): NumericArray {
  switch (dtype) {
    case 'bool':
    case 'uint8':
      return new Uint8Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    default:
      throw new Error(`cannot allocate an array of dtype ${dtype} (64-bit integers hold BigInts)`);
  }
}

/**
 * Like allocate, but not zeroed: for results whose every element the caller writes before the
 * array is handed out (copies out of the kernels, crops, padding). A zeroed block is a fresh
 * calloc: its zero fill costs as much as a whole point operation on a 256×256 uint8 image, and
 * for 512×512 uint16 results it page-faults on every 4 KB. Node's Buffer.allocUnsafeSlow takes
 * recycled malloc memory instead. The array holds whatever that memory held before: never let
 * one escape with an element unwritten.
 */
export function allocateUninitialised(dtype: DType, length: number): NumericArray {
  const bytes = (n: number) => Buffer.allocUnsafeSlow(length * n).buffer;
  // One `new` per case: a constructor looked up from a table makes the call site
  // megamorphic, and V8 then takes microseconds per construction.
  switch (dtype) {
    case 'bool':
    case 'uint8':
      return new Uint8Array(bytes(1), 0, length);
    case 'int8':
      return new Int8Array(bytes(1), 0, length);
    case 'uint16':
      return new Uint16Array(bytes(2), 0, length);
    case 'int16':
      return new Int16Array(bytes(2), 0, length);
    case 'uint32':
      return new Uint32Array(bytes(4), 0, length);
    case 'int32':
      return new Int32Array(bytes(4), 0, length);
    case 'float32':
      return new Float32Array(bytes(4), 0, length);
    case 'float64':
      return new Float64Array(bytes(8), 0, length);
    default:
      return allocate(dtype, length); // throws for 64-bit integers, as allocate does
  }
}

export function isIntegerDType(dtype: DType): boolean {
  return dtype !== 'float32' && dtype !== 'float64';
}

/** [smallest, largest] value of `a` (NaN skipped; [Infinity, -Infinity] when empty). */
export function valueRange(a: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < lo) lo = a[i];
    if (a[i] > hi) hi = a[i];
  }
  return [lo, hi];
}

/** Reads element i as a number (BigInt-backed arrays are converted). */
export function toNumberArray(array: TypedArray): NumericArray {
  if (array instanceof BigInt64Array || array instanceof BigUint64Array) {
    const out = new Float64Array(array.length);
    for (let i = 0; i < array.length; i++) out[i] = Number(array[i]);
    return out;
  }
  return array;
}
