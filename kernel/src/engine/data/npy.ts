/**
 * Reader of NumPy's .npy format (versions 1.0, 2.0 and 3.0): a magic string, a Python-literal
 * header dict {'descr', 'fortran_order', 'shape'}, then the raw array bytes. Little-endian data
 * whose offset is aligned is returned as a typed-array view without copying.
 */
import { sizeOf, type DType, type NDArray, type TypedArray } from './ndarray';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** An error reading a .npy array, naming the file (and npz key) it came from. */
export class NpyFormatError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = 'NpyFormatError';
  }
}

interface DTypeInfo {
  dtype: DType;
  bytes: number;
}

/** numpy type characters -> engine dtypes. */
const KINDS: Record<string, DTypeInfo> = {
  b1: { dtype: 'bool', bytes: 1 },
  u1: { dtype: 'uint8', bytes: 1 },
  i1: { dtype: 'int8', bytes: 1 },
  u2: { dtype: 'uint16', bytes: 2 },
  i2: { dtype: 'int16', bytes: 2 },
  u4: { dtype: 'uint32', bytes: 4 },
  i4: { dtype: 'int32', bytes: 4 },
  u8: { dtype: 'uint64', bytes: 8 },
  i8: { dtype: 'int64', bytes: 8 },
  f4: { dtype: 'float32', bytes: 4 },
  f8: { dtype: 'float64', bytes: 8 }
};

interface Header {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses the header dict, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (3, 28, 28), } */
function parseHeader(text: string, where: string): Header {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    throw new NpyFormatError(where, `corrupt .npy header: ${JSON.stringify(text.trim())}`);
  }
  const dims = shape[1]
    .split(',')
    .map(s => s.trim())
    .filter(s => s.length > 0)
    .map(s => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) {
        throw new NpyFormatError(where, `corrupt .npy header: bad shape (${shape[1]})`);
      }
      return n;
    });
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: dims };
}

function makeView(info: DTypeInfo, buffer: ArrayBuffer, offset: number, length: number) {
  switch (info.dtype) {
    case 'bool':
    case 'uint8':
      return new Uint8Array(buffer, offset, length);
    case 'int8':
      return new Int8Array(buffer, offset, length);
    case 'uint16':
      return new Uint16Array(buffer, offset, length);
    case 'int16':
      return new Int16Array(buffer, offset, length);
    case 'uint32':
      return new Uint32Array(buffer, offset, length);
    case 'int32':
      return new Int32Array(buffer, offset, length);
    case 'uint64':
      return new BigUint64Array(buffer, offset, length);
    case 'int64':
      return new BigInt64Array(buffer, offset, length);
    case 'float32':
      return new Float32Array(buffer, offset, length);
    case 'float64':
      return new Float64Array(buffer, offset, length);
  }
}

/** Reverses the axes of C-ordered data: turns Fortran-ordered bytes into C order. */
function fortranToC<T extends TypedArray>(data: T, shape: number[]): T {
  const n = shape.length;
  if (n < 2) return data;
  const out = new (data.constructor as new (n: number) => T)(data.length);
  // Fortran strides: stride[0] = 1, stride[k] = stride[k-1] * shape[k-1].
  const fstride = new Array<number>(n);
  fstride[0] = 1;
  for (let k = 1; k < n; k++) fstride[k] = fstride[k - 1] * shape[k - 1];
  const index = new Array<number>(n).fill(0);
  for (let i = 0; i < data.length; i++) {
    let src = 0;
    for (let k = 0; k < n; k++) src += index[k] * fstride[k];
    (out as unknown as ArrayLike<unknown> & Record<number, unknown>)[i] = data[src];
    // Increment the C-order multi-index (last axis fastest).
    for (let k = n - 1; k >= 0; k--) {
      if (++index[k] < shape[k]) break;
      index[k] = 0;
    }
  }
  return out;
}

/**
 * Parses one .npy file. `where` names it in errors (e.g. "data.npz:train_images").
 */
export function parseNpy(bytes: Uint8Array, where: string): NDArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyFormatError(where, 'not a .npy array (bad magic string)');
  }
  const major = bytes[6];
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = bytes[8] | (bytes[9] << 8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyFormatError(where, 'truncated .npy header');
    headerLength = (bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (bytes[11] << 24)) >>> 0;
    headerStart = 12;
  } else {
    throw new NpyFormatError(where, `unsupported .npy format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new NpyFormatError(where, 'truncated .npy header');
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, dataStart)
  );
  const header = parseHeader(text, where);

  const m = /^([<>|=])([a-zA-Z]\d+)$/.exec(header.descr);
  const info = m ? KINDS[m[2]] : undefined;
  if (!m || !info) {
    throw new NpyFormatError(
      where,
      `unsupported dtype '${header.descr}' (supported: bool, u1, i1, u2, i2, u4, i4, u8, i8, f4, f8)`
    );
  }
  const length = sizeOf(header.shape);
  const byteLength = length * info.bytes;
  if (bytes.length - dataStart < byteLength) {
    throw new NpyFormatError(
      where,
      `truncated data: shape (${header.shape.join(', ')}) of ${header.descr} needs ${byteLength} bytes, file has ${bytes.length - dataStart}`
    );
  }
  const bigEndian = m[1] === '>' && info.bytes > 1;
  const offset = bytes.byteOffset + dataStart;
  let data: TypedArray;
  if (!bigEndian && offset % info.bytes === 0) {
    data = makeView(info, bytes.buffer as ArrayBuffer, offset, length); // zero copy
  } else {
    // Misaligned or big-endian: copy into fresh memory, swapping bytes if needed.
    const copy = new Uint8Array(byteLength);
    copy.set(bytes.subarray(dataStart, dataStart + byteLength));
    if (bigEndian) {
      for (let i = 0; i < byteLength; i += info.bytes) copy.subarray(i, i + info.bytes).reverse();
    }
    data = makeView(info, copy.buffer, 0, length);
  }
  if (header.fortranOrder) data = fortranToC(data, header.shape);
  return { data, shape: header.shape, dtype: info.dtype };
}

/** Serialises an array as .npy version 1.0 (little-endian, C order); used by tests and exports. */
export function writeNpy(array: NDArray): Uint8Array {
  const descr = Object.entries(KINDS).find(([, v]) => v.dtype === array.dtype);
  if (!descr) throw new Error(`cannot write dtype ${array.dtype}`);
  const prefix = descr[1].bytes === 1 ? '|' : '<';
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${prefix}${descr[0]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = new Uint8Array(10 + header.length);
  head.set(MAGIC);
  head[6] = 1;
  head[7] = 0;
  head[8] = header.length & 0xff;
  head[9] = header.length >> 8;
  head.set(new TextEncoder().encode(header), 10);
  const body = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}
