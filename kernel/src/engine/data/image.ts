/**
 * PNG (pngjs: 1–16 bit, gray, gray+alpha, RGB, RGBA, palette) and JPEG (jpeg-js: baseline and
 * progressive, gray or colour) files to arrays at their native size and bit depth: 8-bit files
 * give uint8, 16-bit PNGs uint16; gray images are H×W, colour images H×W×3. Alpha is dropped
 * (medical images carry no transparency; a classifier must not see it as a fourth channel).
 */
import { PNG, type PNGWithMetadata } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { imageHeader, type Modality } from './datadict';
import { jpegLayout, ycbcrToRgb } from './jpeg-color';
import type { NDArray } from './ndarray';
import type { SourceImage } from './source';

export class ImageFormatError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'ImageFormatError';
  }
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return PNG_MAGIC.every((b, i) => bytes[i] === b);
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** PNG colour types with colour (2 RGB, 3 palette, 6 RGBA); 0 and 4 are gray (± alpha). */
const PNG_COLOUR = new Set([2, 3, 6]);

/**
 * Shape of a PNG or JPEG from the start of the file: [H, W] or [H, W, 3]. Returns undefined
 * when `head` is too short to tell (read more of the file and ask again).
 */
export function probeImageShape(head: Uint8Array, file: string): number[] | undefined {
  if (isPng(head)) {
    if (head.length < 26) return undefined;
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const [w, h] = [view.getUint32(16), view.getUint32(20)];
    return PNG_COLOUR.has(head[25]) ? [h, w, 3] : [h, w];
  }
  if (isJpeg(head)) {
    // Walk the marker segments up to the first start-of-frame (SOF0..SOF15 except DHT/JPG/DAC).
    let at = 2;
    while (at + 9 < head.length) {
      if (head[at] !== 0xff)
        throw new ImageFormatError(file, 'corrupt JPEG (no marker where one must be)');
      const marker = head[at + 1];
      if (marker === 0xff) {
        at++;
        continue;
      }
      const length = (head[at + 2] << 8) | head[at + 3];
      const isSof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
      if (isSof) {
        const h = (head[at + 5] << 8) | head[at + 6];
        const w = (head[at + 7] << 8) | head[at + 8];
        return head[at + 9] === 1 ? [h, w] : [h, w, 3];
      }
      at += 2 + length;
    }
    return undefined;
  }
  throw new ImageFormatError(file, 'not a PNG or JPEG file');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Decodes a PNG file's bytes. */
export function decodePng(bytes: Uint8Array, file: string): NDArray {
  let png: PNGWithMetadata;
  try {
    // skipRescale keeps 16-bit samples as they are (pngjs would scale them to 8 bits).
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      skipRescale: true
    });
  } catch (error) {
    throw new ImageFormatError(file, `unreadable PNG (${describe(error)})`);
  }
  const { width: w, height: h } = png;
  // pngjs always expands to RGBA.
  const rgba = png.data as unknown as Uint8Array | Uint16Array;
  const sixteen = png.depth === 16;
  const c = png.color ? 3 : 1;
  const out = sixteen ? new Uint16Array(w * h * c) : new Uint8Array(w * h * c);
  // With skipRescale, 1/2/4-bit gray samples stay 0..2^d − 1; scale them to 0..255 as libpng
  // (OpenCV, Pillow's "L") does, so a 1-bit mask reads 0/255 like its 8-bit twin.
  const scale = !png.palette && png.depth < 8 ? 255 / (2 ** png.depth - 1) : 1;
  for (let p = 0; p < w * h; p++) {
    for (let ch = 0; ch < c; ch++) out[p * c + ch] = rgba[p * 4 + ch] * scale;
  }
  return { data: out, shape: c === 3 ? [h, w, 3] : [h, w], dtype: sixteen ? 'uint16' : 'uint8' };
}

/** Decodes a JPEG file's bytes (8-bit; gray files stay one channel). */
export function decodeJpeg(bytes: Uint8Array, file: string): NDArray {
  const shape = probeImageShape(bytes, file);
  const layout = jpegLayout(bytes);
  if (!shape || !layout) throw new ImageFormatError(file, 'truncated JPEG (no frame header)');
  // YCbCr files (no Adobe segment, or one that says YCbCr) get libjpeg's colour reconstruction;
  // jpeg-js then hands over the components untransformed.
  const ycc = layout.components === 3 && (layout.adobeTransform ?? 1) === 1;
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      colorTransform: ycc ? false : undefined,
      tolerantDecoding: false
    });
  } catch (error) {
    throw new ImageFormatError(file, `unreadable JPEG (${describe(error)})`);
  }
  const { width: w, height: h, data } = decoded;
  if (shape.length === 3) {
    const rgb = ycc ? ycbcrToRgb(data, w, h, layout) : undefined;
    if (ycc && !rgb) {
      // An unusual sampling layout: fall back to jpeg-js's own conversion.
      return decodeJpegPlain(bytes, file);
    }
    return { data: rgb ?? data, shape: [h, w, 3], dtype: 'uint8' };
  }
  const gray = new Uint8Array(w * h);
  for (let p = 0; p < w * h; p++) gray[p] = data[p * 3];
  return { data: gray, shape: [h, w], dtype: 'uint8' };
}

function decodeJpegPlain(bytes: Uint8Array, file: string): NDArray {
  try {
    const d = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
    return { data: d.data, shape: [d.height, d.width, 3], dtype: 'uint8' };
  } catch (error) {
    throw new ImageFormatError(file, `unreadable JPEG (${describe(error)})`);
  }
}

/** Decodes a PNG or JPEG (by its signature) into a data dict image. */
export function decodeImage(bytes: Uint8Array, file: string, modality: Modality): SourceImage {
  let array: NDArray;
  if (isPng(bytes)) array = decodePng(bytes, file);
  else if (isJpeg(bytes)) array = decodeJpeg(bytes, file);
  else throw new ImageFormatError(file, 'not a PNG or JPEG file');
  const range: [number, number] = array.dtype === 'uint16' ? [0, 65535] : [0, 255];
  return { array, header: imageHeader(array.shape, array.dtype, modality, range) };
}
