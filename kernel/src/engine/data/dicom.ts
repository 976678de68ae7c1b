/**
 * DICOM files to data dict images, parsed with dicom-parser.
 *
 * Values: stored samples are masked to BitsStored (shifted by HighBit) and sign-extended when
 * PixelRepresentation is 1. MONOCHROME1 is inverted within the stored range (so that larger
 * values are brighter, as in MONOCHROME2). When the file has RescaleSlope/RescaleIntercept
 * (CT, PET …) the modality LUT is applied and the image is float32 in output units (HU for CT):
 * value = stored × slope + intercept, exactly as pydicom's `pixel_array * RescaleSlope +
 * RescaleIntercept` for integer slopes. Without rescale tags the native integer dtype is kept
 * (uint8/int8/uint16/int16/uint32/int32). WindowCenter/WindowWidth stay in the header (not
 * applied); spacing is PixelSpacing (row, column) in mm, SliceThickness is kept beside it.
 */
import * as dicomParser from 'dicom-parser';
import { imageHeader, type ImageHeader, type Modality } from './datadict';
import {
  decodeJpeg2000,
  JPEG2000_SYNTAXES,
  JPEG_SYNTAXES,
  NATIVE_SYNTAXES,
  syntaxName,
  unsupportedSyntaxMessage
} from './dicom-codecs';
import { decodeJpeg } from './image';
import { allocate, type DType, type NDArray, type NumericArray } from './ndarray';
import type { SourceImage } from './source';

export class DicomError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'DicomError';
  }
}

/** DICOM Modality (0008,0060) to the data dict's modality names. */
const MODALITIES: Record<string, Modality> = {
  CT: 'CT',
  MR: 'MRI',
  CR: 'Xray',
  DX: 'Xray',
  DR: 'Xray',
  RF: 'Xray',
  XA: 'Xray',
  MG: 'Xray',
  US: 'US',
  PT: 'PET',
  OCT: 'OCT',
  OPT: 'OCT',
  SM: 'Microscopy'
};

const TAG = {
  transferSyntax: 'x00020010',
  modality: 'x00080060',
  sliceThickness: 'x00180050',
  imagePosition: 'x00200032',
  imageOrientation: 'x00200037',
  samplesPerPixel: 'x00280002',
  photometric: 'x00280004',
  frames: 'x00280008',
  planar: 'x00280006',
  rows: 'x00280010',
  columns: 'x00280011',
  pixelSpacing: 'x00280030',
  bitsAllocated: 'x00280100',
  bitsStored: 'x00280101',
  highBit: 'x00280102',
  pixelRepresentation: 'x00280103',
  windowCenter: 'x00281050',
  windowWidth: 'x00281051',
  rescaleIntercept: 'x00281052',
  rescaleSlope: 'x00281053',
  pixelData: 'x7fe00010'
};

/** What a DICOM file says about its pixels (readable from the header alone). */
export interface DicomGeometry {
  transferSyntax: string;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  /** Shape of the decoded image: [H, W], [H, W, 3], [F, H, W] or [F, H, W, 3]. */
  shape: number[];
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  // dicom-parser throws plain objects such as { exception: '…', dataSet }.
  const e = error as { exception?: unknown };
  return typeof e?.exception === 'string' ? e.exception : String(error);
}

/** Parses the data set; `headerOnly` stops before the pixel data. */
export function parseDicomBytes(
  bytes: Uint8Array,
  file: string,
  headerOnly = false
): dicomParser.DataSet {
  // Node's zlib (used for deflated syntaxes) wants a Buffer.
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return dicomParser.parseDicom(buffer, headerOnly ? { untilTag: TAG.pixelData } : undefined);
  } catch (error) {
    const why = describe(error);
    if (/overrun|beyond|past the end|end of buffer/i.test(why)) {
      throw new DicomError(file, `file is truncated (ends inside a data element: ${why})`);
    }
    throw new DicomError(file, `not a readable DICOM file (${why})`);
  }
}

function required(ds: dicomParser.DataSet, tag: string, name: string, file: string): number {
  const v = ds.uint16(tag);
  if (v === undefined)
    throw new DicomError(file, `missing ${name} (${tag.slice(1, 5)},${tag.slice(5)})`);
  return v;
}

export function dicomGeometry(ds: dicomParser.DataSet, file: string): DicomGeometry {
  const transferSyntax = ds.string(TAG.transferSyntax) ?? '1.2.840.10008.1.2';
  const rows = required(ds, TAG.rows, 'Rows', file);
  const columns = required(ds, TAG.columns, 'Columns', file);
  const samplesPerPixel = ds.uint16(TAG.samplesPerPixel) ?? 1;
  const frames = Math.max(1, Number.parseInt(ds.string(TAG.frames) ?? '1', 10) || 1);
  const plane = samplesPerPixel === 1 ? [rows, columns] : [rows, columns, samplesPerPixel];
  return {
    transferSyntax,
    rows,
    columns,
    frames,
    samplesPerPixel,
    shape: frames > 1 ? [frames, ...plane] : plane
  };
}

function nativeDType(bitsAllocated: number, signed: boolean, file: string): DType {
  if (bitsAllocated === 8) return signed ? 'int8' : 'uint8';
  if (bitsAllocated === 16) return signed ? 'int16' : 'uint16';
  if (bitsAllocated === 32) return signed ? 'int32' : 'uint32';
  throw new DicomError(file, `BitsAllocated ${bitsAllocated} is not supported (8, 16 or 32)`);
}

/** Raw samples of uncompressed pixel data, in file byte order converted to host order. */
function nativeSamples(
  bytes: Uint8Array,
  offset: number,
  count: number,
  dtype: DType,
  bigEndian: boolean
): NumericArray {
  const out = allocate(dtype, count);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * out.BYTES_PER_ELEMENT);
  const le = !bigEndian;
  for (let i = 0; i < count; i++) {
    switch (dtype) {
      case 'uint8':
        out[i] = view.getUint8(i);
        break;
      case 'int8':
        out[i] = view.getInt8(i);
        break;
      case 'uint16':
        out[i] = view.getUint16(2 * i, le);
        break;
      case 'int16':
        out[i] = view.getInt16(2 * i, le);
        break;
      case 'uint32':
        out[i] = view.getUint32(4 * i, le);
        break;
      default:
        out[i] = view.getInt32(4 * i, le);
    }
  }
  return out;
}

/** Numbers of a multi-valued decimal string (e.g. "0.66\\0.66"); [] when absent. */
function decimals(ds: dicomParser.DataSet, tag: string): number[] {
  const s = ds.string(tag);
  if (!s) return [];
  return s
    .split('\\')
    .map(v => Number.parseFloat(v))
    .filter(v => Number.isFinite(v));
}

/** DICOM-specific facts kept in the header (image.header.dicom). */
export interface DicomInfo {
  modality: string;
  photometric_interpretation: string;
  transfer_syntax: string;
  transfer_syntax_name: string;
  bits_stored: number;
  pixel_representation: number;
  rescale_slope?: number;
  rescale_intercept?: number;
  image_position?: number[];
  image_orientation?: number[];
}

/** Decodes a DICOM file's bytes (compressed syntaxes need prepareCodecs first). */
export function decodeDicom(bytes: Uint8Array, file: string): SourceImage {
  const ds = parseDicomBytes(bytes, file);
  const geo = dicomGeometry(ds, file);
  const { transferSyntax: uid, rows, columns, frames, samplesPerPixel: spp } = geo;
  const native = NATIVE_SYNTAXES[uid];
  const isJpeg = uid in JPEG_SYNTAXES;
  if (!native && !(uid in JPEG2000_SYNTAXES) && !isJpeg) {
    throw new DicomError(file, unsupportedSyntaxMessage(uid));
  }
  const photometric = (ds.string(TAG.photometric) ?? 'MONOCHROME2').trim();
  // JPEG-compressed colour is stored as YCbCr and comes out of the decoder as RGB.
  const colours = isJpeg ? ['RGB', 'YBR_FULL', 'YBR_FULL_422'] : ['RGB'];
  if (!['MONOCHROME1', 'MONOCHROME2', ...colours].includes(photometric)) {
    throw new DicomError(
      file,
      `PhotometricInterpretation ${photometric} is not supported with ${syntaxName(uid)} ` +
        `(MONOCHROME1, MONOCHROME2, ${colours.join(', ')})`
    );
  }
  if ((spp === 1) !== photometric.startsWith('MONOCHROME') || (spp !== 1 && spp !== 3)) {
    throw new DicomError(file, `${spp} samples per pixel do not fit ${photometric}`);
  }
  const bitsAllocated = required(ds, TAG.bitsAllocated, 'BitsAllocated', file);
  const bitsStored = ds.uint16(TAG.bitsStored) ?? bitsAllocated;
  const highBit = ds.uint16(TAG.highBit) ?? bitsStored - 1;
  const signed = (ds.uint16(TAG.pixelRepresentation) ?? 0) === 1;
  const dtype = nativeDType(bitsAllocated, signed, file);
  const element = ds.elements[TAG.pixelData];
  if (!element) throw new DicomError(file, 'has no pixel data (7FE0,0010)');
  const count = rows * columns * spp * frames;

  let samples: NumericArray;
  if (native) {
    const needed = (count * bitsAllocated) / 8;
    // Offsets refer to the parsed byte array (inflated, for the deflated syntax).
    const parsed = ds.byteArray as Uint8Array;
    const available = Math.min(element.length, parsed.length - element.dataOffset);
    if (available < needed) {
      throw new DicomError(
        file,
        `file is truncated: pixel data has ${available} bytes, ${rows}×${columns}×${spp}×${frames} ` +
          `samples of ${bitsAllocated} bits need ${needed}`
      );
    }
    samples = nativeSamples(parsed, element.dataOffset, count, dtype, native.bigEndian);
    // Colour planes stored one after another (PlanarConfiguration 1) become interleaved.
    if (spp === 3 && ds.uint16(TAG.planar) === 1)
      samples = interleave(samples, frames, rows * columns);
  } else {
    samples = allocate(dtype, count);
    const frameSize = rows * columns * spp;
    for (let f = 0; f < frames; f++) {
      let codestream: Uint8Array;
      try {
        codestream =
          frames === 1
            ? dicomParser.readEncapsulatedPixelDataFromFragments(
                ds,
                element,
                0,
                element.fragments!.length
              )
            : dicomParser.readEncapsulatedImageFrame(ds, element, f);
      } catch (error) {
        throw new DicomError(file, `cannot read compressed frame ${f}: ${describe(error)}`);
      }
      let frame;
      try {
        if (isJpeg) {
          if (bitsAllocated !== 8)
            throw new Error(`${bitsStored}-bit JPEG is not supported (8-bit only)`);
          const decoded = decodeJpeg(codestream, file);
          frame = {
            data: decoded.data as Uint8Array,
            width: decoded.shape[1],
            height: decoded.shape[0],
            components: decoded.shape[2] ?? 1
          };
        } else frame = decodeJpeg2000(codestream);
      } catch (error) {
        throw new DicomError(
          file,
          `${syntaxName(uid)} frame ${f} failed to decode: ${describe(error)}`
        );
      }
      if (frame.width !== columns || frame.height !== rows || frame.components !== spp) {
        throw new DicomError(
          file,
          `${syntaxName(uid)} frame ${f} is ${frame.width}×${frame.height}×${frame.components}, ` +
            `the header says ${columns}×${rows}×${spp}`
        );
      }
      samples.set(frame.data, f * frameSize);
    }
  }
  maskStoredBits(samples, bitsStored, highBit, signed);
  const storedRange: [number, number] = signed
    ? [-(2 ** (bitsStored - 1)), 2 ** (bitsStored - 1) - 1]
    : [0, 2 ** bitsStored - 1];
  if (photometric === 'MONOCHROME1') {
    const flip = storedRange[0] + storedRange[1];
    for (let i = 0; i < samples.length; i++) samples[i] = flip - samples[i];
  }

  const slope = decimals(ds, TAG.rescaleSlope)[0];
  const intercept = decimals(ds, TAG.rescaleIntercept)[0];
  let array: NDArray;
  let range = storedRange;
  if (slope !== undefined || intercept !== undefined) {
    const m = slope ?? 1;
    const b = intercept ?? 0;
    const out = new Float32Array(samples.length);
    for (let i = 0; i < samples.length; i++) out[i] = samples[i] * m + b;
    array = { data: out, shape: geo.shape, dtype: 'float32' };
    const ends = [storedRange[0] * m + b, storedRange[1] * m + b];
    range = [Math.min(...ends), Math.max(...ends)];
  } else {
    array = { data: samples, shape: geo.shape, dtype };
  }

  const dicomModality = (ds.string(TAG.modality) ?? '').trim();
  const header: ImageHeader = imageHeader(
    geo.shape,
    array.dtype,
    MODALITIES[dicomModality] ?? (dicomModality || 'unknown'),
    range
  );
  const pixelSpacing = decimals(ds, TAG.pixelSpacing);
  const thickness = decimals(ds, TAG.sliceThickness)[0];
  if (frames > 1) {
    header.dim = 3;
    header.color_mode = spp === 3 ? 'RGB' : 'L';
    header.spacing = [thickness ?? 1, pixelSpacing[0] ?? 1, pixelSpacing[1] ?? 1];
    header.origin = [0, 0, 0];
    header.direction = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  } else if (pixelSpacing.length === 2) header.spacing = pixelSpacing;
  if (thickness !== undefined) header.slice_thickness = thickness;
  const center = decimals(ds, TAG.windowCenter)[0];
  const width = decimals(ds, TAG.windowWidth)[0];
  if (center !== undefined && width !== undefined) header.window = { center, width };
  const info: DicomInfo = {
    modality: dicomModality,
    photometric_interpretation: photometric,
    transfer_syntax: uid,
    transfer_syntax_name: syntaxName(uid),
    bits_stored: bitsStored,
    pixel_representation: signed ? 1 : 0
  };
  if (slope !== undefined || intercept !== undefined) {
    info.rescale_slope = slope ?? 1;
    info.rescale_intercept = intercept ?? 0;
  }
  const position = decimals(ds, TAG.imagePosition);
  if (position.length === 3) info.image_position = position;
  const orientation = decimals(ds, TAG.imageOrientation);
  if (orientation.length === 6) info.image_orientation = orientation;
  header.dicom = info;
  return { array, header };
}

/** Keeps bits (highBit − bitsStored, highBit] of each sample, sign-extended when signed. */
function maskStoredBits(a: NumericArray, bitsStored: number, highBit: number, signed: boolean) {
  const bitsAllocated = a.BYTES_PER_ELEMENT * 8;
  if (bitsStored >= bitsAllocated && highBit === bitsAllocated - 1) return;
  const shift = highBit + 1 - bitsStored;
  const mask = bitsStored >= 32 ? 0xffffffff : 2 ** bitsStored - 1;
  const half = 2 ** (bitsStored - 1);
  for (let i = 0; i < a.length; i++) {
    // Work on the unsigned bit pattern of the sample.
    const bits = (a[i] < 0 ? a[i] + 2 ** bitsAllocated : a[i]) / 2 ** shift;
    const v = Math.floor(bits) % (mask + 1);
    a[i] = signed && v >= half ? v - 2 * half : v;
  }
}

function interleave(planar: NumericArray, frames: number, pixels: number): NumericArray {
  const out = planar.slice();
  for (let f = 0; f < frames; f++) {
    const base = f * pixels * 3;
    for (let p = 0; p < pixels; p++) {
      for (let c = 0; c < 3; c++) out[base + p * 3 + c] = planar[base + c * pixels + p];
    }
  }
  return out;
}
