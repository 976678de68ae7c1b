/**
 * NIfTI-1/2 files (.nii, .nii.gz) read with nifti-reader-js, and their volumes cut into 2D
 * slices.
 *
 * Values: the stored datatype becomes the matching typed array (byte order as the header says).
 * When scl_slope is neither 0 nor NaN (NIfTI: 0 means "no scaling") and the pair is not the
 * identity (1, 0), values are scaled to float32: stored × scl_slope + scl_inter, as nibabel's
 * get_fdata() (float64) within float32 rounding. A slice on axis a at index k is nibabel's
 * `np.take(volume, k, axis=a)` as a row-major H×W image (H, W = the two other axes in order);
 * its spacing is their pixdim, and the pixdim of the cut axis is its slice thickness.
 */
import * as nifti from 'nifti-reader-js';
import { imageHeader, type Modality, type NiftiSliceInfo } from './datadict';
import { allocate, valueRange, type DType, type NumericArray } from './ndarray';
import type { SourceImage } from './source';

export class NiftiError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'NiftiError';
  }
}

/** NIfTI datatype codes medflow reads, with their numpy names. */
const DATATYPES: Record<number, DType> = {
  2: 'uint8',
  4: 'int16',
  8: 'int32',
  16: 'float32',
  64: 'float64',
  256: 'int8',
  512: 'uint16',
  768: 'uint32'
};

const UNSUPPORTED: Record<number, string> = {
  1: 'binary (1 bit)',
  32: 'complex64',
  128: 'RGB24',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32'
};

export interface NiftiHeader {
  /** Sizes of the x, y, z (and t) axes: [nx, ny, nz] or [nx, ny, nz, nt]. */
  shape: number[];
  dtype: DType;
  datatypeCode: number;
  /** Voxel sizes of x, y, z (mm) and t. */
  spacing: number[];
  scl_slope: number;
  scl_inter: number;
  littleEndian: boolean;
  voxOffset: number;
}

/** nifti-reader-js 0.6 prints extension bytes with console.log; notebook output must not. */
function quietly<T>(f: () => T): T {
  const log = console.log;
  console.log = () => undefined;
  try {
    return f();
  } finally {
    console.log = log;
  }
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** Parses the header from the (decompressed) start of a file. */
export function parseNiftiHeader(data: ArrayBuffer, file: string): NiftiHeader {
  if (!nifti.isNIFTI(data)) {
    throw new NiftiError(file, 'not a NIfTI-1/2 file (no "n+1"/"n+2" magic at byte 344/4)');
  }
  let h: nifti.NIFTI1 | nifti.NIFTI2 | null;
  try {
    h = quietly(() => nifti.readHeader(data));
  } catch (error) {
    throw new NiftiError(file, `unreadable NIfTI header (${(error as Error).message})`);
  }
  if (!h) throw new NiftiError(file, 'unreadable NIfTI header');
  const ndim = h.dims[0];
  if (ndim < 2 || ndim > 4) {
    throw new NiftiError(
      file,
      `has ${ndim} dimensions (${h.dims.slice(1, ndim + 1).join('×')}); medflow reads 2D, 3D and 4D volumes`
    );
  }
  const dtype = DATATYPES[h.datatypeCode];
  if (!dtype) {
    const name = UNSUPPORTED[h.datatypeCode] ?? 'unknown';
    throw new NiftiError(
      file,
      `datatype ${h.datatypeCode} (${name}) is not supported ` +
        `(uint8, int8, int16, uint16, int32, uint32, float32, float64)`
    );
  }
  const shape = h.dims.slice(1, Math.max(ndim, 3) + 1).map(d => Math.max(1, d));
  return {
    shape,
    dtype,
    datatypeCode: h.datatypeCode,
    spacing: h.pixDims.slice(1, shape.length + 1).map(Math.abs),
    scl_slope: h.scl_slope,
    scl_inter: h.scl_inter,
    littleEndian: h.littleEndian,
    voxOffset: h.vox_offset
  };
}

/** The decompressed bytes of a .nii or .nii.gz file. */
export function niftiBytes(bytes: Uint8Array, file: string): ArrayBuffer {
  let data = toArrayBuffer(bytes);
  if (nifti.isCompressed(data)) {
    try {
      data = nifti.decompress(data) as ArrayBuffer;
    } catch (error) {
      throw new NiftiError(file, `corrupt gzip stream (${(error as Error).message})`);
    }
  }
  return data;
}

export interface NiftiVolume {
  header: NiftiHeader;
  /** The 3D volume, x fastest (the file's order), scaled when the header asks for it. */
  data: NumericArray;
  dtype: DType;
  /** Index of the volume in a 4D file. */
  volume: number;
  /** Minimum and maximum value of the volume: the pixel_value_range of its slices. */
  range: [number, number];
}

function minMax(a: NumericArray): [number, number] {
  return a.length === 0 ? [0, 0] : valueRange(a);
}

function scaled(h: NiftiHeader): boolean {
  const s = h.scl_slope;
  return Number.isFinite(s) && s !== 0 && !(s === 1 && (h.scl_inter || 0) === 0);
}

/** Reads one 3D volume (index `volume` of a 4D file) from a file's bytes. */
export function readNiftiVolume(bytes: Uint8Array, file: string, volume = 0): NiftiVolume {
  const data = niftiBytes(bytes, file);
  const header = parseNiftiHeader(data, file);
  const [nx, ny, nz, nt = 1] = header.shape;
  if (!Number.isInteger(volume) || volume < 0 || volume >= nt) {
    throw new NiftiError(
      file,
      `has ${nt} volume${nt === 1 ? '' : 's'} (shape ${header.shape.join('×')}); volume ${volume} does not exist`
    );
  }
  const count = nx * ny * nz;
  const size = allocate(header.dtype, 0).BYTES_PER_ELEMENT;
  const start = header.voxOffset + volume * count * size;
  if (data.byteLength < start + count * size) {
    throw new NiftiError(
      file,
      `file is truncated: volume ${volume} needs bytes ${start}..${start + count * size}, ` +
        `the file has ${data.byteLength}`
    );
  }
  const raw = readSamples(
    new DataView(data, start, count * size),
    header.dtype,
    count,
    header.littleEndian
  );
  if (!scaled(header)) {
    return { header, data: raw, dtype: header.dtype, volume, range: minMax(raw) };
  }
  const out = new Float32Array(count);
  const inter = Number.isFinite(header.scl_inter) ? header.scl_inter : 0;
  for (let i = 0; i < count; i++) out[i] = raw[i] * header.scl_slope + inter;
  return { header, data: out, dtype: 'float32', volume, range: minMax(out) };
}

function readSamples(view: DataView, dtype: DType, count: number, le: boolean): NumericArray {
  const out = allocate(dtype, count);
  const read: Record<string, (i: number) => number> = {
    uint8: i => view.getUint8(i),
    int8: i => view.getInt8(i),
    int16: i => view.getInt16(2 * i, le),
    uint16: i => view.getUint16(2 * i, le),
    int32: i => view.getInt32(4 * i, le),
    uint32: i => view.getUint32(4 * i, le),
    float32: i => view.getFloat32(4 * i, le),
    float64: i => view.getFloat64(8 * i, le)
  };
  const get = read[dtype];
  for (let i = 0; i < count; i++) out[i] = get(i);
  return out;
}

/** Number of slices along an axis. */
export function sliceCount(header: NiftiHeader, axis: 0 | 1 | 2): number {
  return header.shape[axis];
}

export function checkAxis(axis: unknown, file: string): 0 | 1 | 2 {
  if (axis !== 0 && axis !== 1 && axis !== 2) {
    throw new NiftiError(file, `slice axis must be 0, 1 or 2 (x, y, z), got ${String(axis)}`);
  }
  return axis;
}

/** Slice `index` along `axis` of a volume as a data dict image. */
export function niftiSlice(
  vol: NiftiVolume,
  axis: 0 | 1 | 2,
  index: number,
  file: string,
  modality: Modality
): SourceImage {
  const [nx, ny, nz] = vol.header.shape;
  const n = [nx, ny, nz][axis];
  if (!Number.isInteger(index) || index < 0 || index >= n) {
    throw new NiftiError(file, `axis ${axis} has ${n} slices; slice ${index} does not exist`);
  }
  // Strides of x, y, z in the file's order (x fastest).
  const stride = [1, nx, nx * ny];
  const [a, b] = [0, 1, 2].filter(k => k !== axis);
  const dims = [nx, ny, nz];
  const [h, w] = [dims[a], dims[b]];
  const out = allocate(vol.dtype, h * w);
  const base = index * stride[axis];
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) out[i * w + j] = vol.data[base + i * stride[a] + j * stride[b]];
  }
  const header = imageHeader([h, w], vol.dtype, modality, [vol.range[0], vol.range[1]]);
  const sp = vol.header.spacing;
  header.spacing = [sp[a] ?? 1, sp[b] ?? 1];
  header.slice_thickness = sp[axis] ?? 1;
  const info: NiftiSliceInfo = {
    volume_shape: vol.header.shape.slice(),
    axis,
    slice: index,
    volume: vol.volume,
    datatype: vol.header.dtype,
    // NaN ("not set") becomes null so that the header survives JSON (the Python worker).
    scl_slope: Number.isFinite(vol.header.scl_slope) ? vol.header.scl_slope : null,
    scl_inter: Number.isFinite(vol.header.scl_inter) ? vol.header.scl_inter : null
  };
  header.nifti = info;
  return { array: { data: out, shape: [h, w], dtype: vol.dtype }, header };
}
