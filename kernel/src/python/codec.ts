/**
 * Values ⇄ protocol payloads: NDArrays anywhere in a value (the image, one-hot labels, masks)
 * become `{ __ndarray__: i, dtype, shape }` markers plus raw C-order bytes in buffer i, which
 * the worker turns into numpy arrays without parsing numbers. The bytes of outgoing arrays are
 * not copied; incoming ones are copied once into aligned typed arrays.
 */
import { TYPED_ARRAYS, type DType, type NDArray } from '../engine/data/ndarray';

interface Marker {
  __ndarray__: number;
  dtype: DType;
  shape: number[];
}

export function isNDArray(value: unknown): value is NDArray {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<NDArray>;
  return (
    ArrayBuffer.isView(v.data) &&
    !(v.data instanceof DataView) &&
    Array.isArray(v.shape) &&
    typeof v.dtype === 'string'
  );
}

/** Replaces NDArrays with markers; their bytes are appended to `buffers`. */
export function encodeValue(value: unknown, buffers: Uint8Array[]): unknown {
  if (isNDArray(value)) {
    if (!(value.dtype in TYPED_ARRAYS)) throw new Error(`unsupported dtype ${value.dtype}`);
    const d = value.data;
    buffers.push(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    const marker: Marker = {
      __ndarray__: buffers.length - 1,
      dtype: value.dtype,
      shape: value.shape.slice()
    };
    return marker;
  }
  if (Array.isArray(value)) return value.map(v => encodeValue(v, buffers));
  if (ArrayBuffer.isView(value)) {
    throw new Error('a bare typed array cannot be sent; wrap it as { data, shape, dtype }');
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = encodeValue(v, buffers);
    }
    return out;
  }
  return value;
}

/** Replaces markers with NDArrays backed by (aligned copies of) the received buffers. */
export function decodeValue(value: unknown, buffers: Uint8Array[]): unknown {
  if (Array.isArray(value)) return value.map(v => decodeValue(v, buffers));
  if (typeof value === 'object' && value !== null) {
    const marker = value as Partial<Marker>;
    if (typeof marker.__ndarray__ === 'number') return toNDArray(marker as Marker, buffers);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeValue(v, buffers);
    return out;
  }
  return value;
}

function toNDArray(marker: Marker, buffers: Uint8Array[]): NDArray {
  const bytes = buffers[marker.__ndarray__];
  const Ctor = TYPED_ARRAYS[marker.dtype];
  if (!bytes || !Ctor) throw new Error(`bad array from the Python worker (${marker.dtype})`);
  // A fresh ArrayBuffer: the frame's bytes may sit at an offset a Float64Array cannot view.
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return { data: new Ctor(copy), shape: marker.shape, dtype: marker.dtype };
}
