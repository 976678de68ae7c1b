/**
 * Colour reconstruction of YCbCr JPEGs the way libjpeg(-turbo) does it, so that medflow's pixels
 * match OpenCV, Pillow and browsers: jpeg-js decodes the components (its colour conversion
 * truncates and its chroma upsampling replicates samples), then the chroma planes are upsampled
 * with libjpeg's "fancy" triangle filter (h2v1, h2v2) and converted with libjpeg's fixed-point
 * YCbCr → RGB arithmetic (ITU-R BT.601 full range, 16 fractional bits, rounded).
 */

export interface JpegLayout {
  /** Number of components (1 gray, 3 colour, 4 CMYK). */
  components: number;
  /** Horizontal and vertical sampling factor of each component. */
  sampling: [number, number][];
  /** Transform flag of an Adobe APP14 segment (undefined when the file has none). */
  adobeTransform?: number;
}

/** Reads the component layout from the marker segments before the first scan. */
export function jpegLayout(bytes: Uint8Array): JpegLayout | undefined {
  let at = 2;
  let adobeTransform: number | undefined;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    const body = at + 4;
    // APP14 "Adobe": byte 11 of the body is the colour transform flag.
    if (
      marker === 0xee &&
      length >= 14 &&
      String.fromCharCode(...bytes.subarray(body, body + 5)) === 'Adobe'
    ) {
      adobeTransform = bytes[body + 11];
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isSof) {
      const components = bytes[body + 5];
      const sampling: [number, number][] = [];
      for (let c = 0; c < components; c++) {
        const hv = bytes[body + 6 + c * 3 + 1];
        sampling.push([hv >> 4, hv & 15]);
      }
      return { components, sampling, adobeTransform };
    }
    if (marker === 0xda) return undefined;
    at += 2 + length;
  }
  return undefined;
}

const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
const fix = (x: number) => Math.round(x * (1 << SCALEBITS));

// Lookup tables of libjpeg's ycc_rgb_convert, indexed by the 8-bit chroma sample.
const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (fix(1.402) * x + ONE_HALF) >> SCALEBITS;
  CB_B[i] = (fix(1.772) * x + ONE_HALF) >> SCALEBITS;
  CR_G[i] = -fix(0.71414) * x;
  CB_G[i] = -fix(0.34414) * x + ONE_HALF;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/**
 * The native-resolution plane of component `c` from jpeg-js's replicated full-size output
 * (interleaved, `n` components): jpeg-js maps output x to sample floor(x · h / maxH).
 */
function nativePlane(
  full: Uint8Array,
  n: number,
  c: number,
  width: number,
  height: number,
  fx: number,
  fy: number
): { plane: Uint8Array; w: number; h: number } {
  const w = Math.ceil(width / fx);
  const h = Math.ceil(height / fy);
  const plane = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) plane[y * w + x] = full[(y * fy * width + x * fx) * n + c];
  }
  return { plane, w, h };
}

/** libjpeg's h2v1 fancy upsampling of one row (triangle filter, alternating rounding). */
function upsampleRowH2(row: Uint8Array, w: number, out: Int32Array): void {
  if (w === 1) {
    out[0] = out[1] = row[0];
    return;
  }
  out[0] = row[0];
  out[1] = (row[0] * 3 + row[1] + 2) >> 2;
  for (let c = 1; c < w - 1; c++) {
    out[2 * c] = (row[c] * 3 + row[c - 1] + 1) >> 2;
    out[2 * c + 1] = (row[c] * 3 + row[c + 1] + 2) >> 2;
  }
  out[2 * w - 2] = (row[w - 1] * 3 + row[w - 2] + 1) >> 2;
  out[2 * w - 1] = row[w - 1];
}

/**
 * libjpeg's h2v2 fancy upsampling: each output row mixes its input row (3/4) with the nearer
 * neighbour row (1/4), then columns likewise; image edges replicate the outermost samples.
 */
function upsampleH2V2(
  plane: Uint8Array,
  w: number,
  h: number,
  width: number,
  height: number
): Uint8Array {
  const out = new Uint8Array(width * height);
  const colsum = new Int32Array(w);
  const row = new Int32Array(2 * w);
  for (let y = 0; y < height; y++) {
    const inRow = y >> 1;
    const other = y & 1 ? Math.min(h - 1, inRow + 1) : Math.max(0, inRow - 1);
    for (let c = 0; c < w; c++) colsum[c] = plane[inRow * w + c] * 3 + plane[other * w + c];
    if (w === 1) {
      row[0] = (colsum[0] * 4 + 8) >> 4;
      row[1] = (colsum[0] * 4 + 7) >> 4;
    } else {
      row[0] = (colsum[0] * 4 + 8) >> 4;
      row[1] = (colsum[0] * 3 + colsum[1] + 7) >> 4;
      for (let c = 1; c < w - 1; c++) {
        row[2 * c] = (colsum[c] * 3 + colsum[c - 1] + 8) >> 4;
        row[2 * c + 1] = (colsum[c] * 3 + colsum[c + 1] + 7) >> 4;
      }
      row[2 * w - 2] = (colsum[w - 1] * 3 + colsum[w - 2] + 8) >> 4;
      row[2 * w - 1] = (colsum[w - 1] * 4 + 7) >> 4;
    }
    for (let x = 0; x < width; x++) out[y * width + x] = row[x];
  }
  return out;
}

function upsampleH2V1(plane: Uint8Array, w: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const row = new Int32Array(2 * w);
  for (let y = 0; y < height; y++) {
    upsampleRowH2(plane.subarray(y * w, (y + 1) * w), w, row);
    for (let x = 0; x < width; x++) out[y * width + x] = row[x];
  }
  return out;
}

/**
 * RGB pixels from jpeg-js's un-transformed YCbCr output (3 interleaved components at full size,
 * chroma replicated), or undefined for layouts this does not handle (then use jpeg-js's RGB).
 */
export function ycbcrToRgb(
  ycc: Uint8Array,
  width: number,
  height: number,
  layout: JpegLayout
): Uint8Array | undefined {
  const [[yh, yv], cb, cr] = layout.sampling;
  if (layout.components !== 3 || cb[0] !== cr[0] || cb[1] !== cr[1]) return undefined;
  const fx = yh / cb[0];
  const fy = yv / cb[1];
  const chroma: Uint8Array[] = [];
  for (const c of [1, 2]) {
    if (fx === 1 && fy === 1) {
      const plane = new Uint8Array(width * height);
      for (let p = 0; p < plane.length; p++) plane[p] = ycc[p * 3 + c];
      chroma.push(plane);
      continue;
    }
    const { plane, w, h } = nativePlane(ycc, 3, c, width, height, fx, fy);
    if (fx === 2 && fy === 2) chroma.push(upsampleH2V2(plane, w, h, width, height));
    else if (fx === 2 && fy === 1) chroma.push(upsampleH2V1(plane, w, width, height));
    else return undefined;
  }
  const [cbPlane, crPlane] = chroma;
  const out = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const y = ycc[p * 3];
    const b = cbPlane[p];
    const r = crPlane[p];
    out[p * 3] = clamp(y + CR_R[r]);
    out[p * 3 + 1] = clamp(y + ((CB_G[b] + CR_G[r]) >> SCALEBITS));
    out[p * 3 + 2] = clamp(y + CB_B[b]);
  }
  return out;
}
