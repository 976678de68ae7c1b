/**
 * Thresholding to a binary image (0 / max_value, dtype kept), as cv2.threshold THRESH_BINARY:
 * a fixed threshold; Otsu's threshold (OpenCV's 256/65536-bin search on integer images,
 * scikit-image's 256-bin version on float images); or cv2.adaptiveThreshold (uint8) against
 * the mean or Gaussian-weighted mean of a block_size window minus C.
 */
import type { ModuleDefinition } from './types';
import { valueRange, type NumericArray } from '../data/ndarray';
import type { DataDict } from '../data/datadict';
import { pixels, planarShape, requireDType, storeAs, withImage } from './image';
import { separableFilter } from './filters';
import { gaussianKernel, integerBlur, smallGaussian } from './gaussian';
import { storeFiltered } from './filtered';
import { adaptiveThresholdSimd, boxKernel } from '../simd/separable';
import { binarySimd, histogramBinarySimd } from '../simd/point';
import {
  integerHistogram,
  lookupUint16,
  lookupUint8,
  storeValues,
  tableUint16,
  tableUint8
} from './typed-loops';

/** The thresholded image (same dtype and shape), marked as binary. */
function binary(data: DataDict, out: NumericArray): DataDict {
  const result = withImage(data, {
    ...data.image.array,
    data: out,
    shape: data.image.array.shape.slice()
  });
  result.image.header.color_mode = 'Binary';
  return result;
}

export interface ThresholdParams {
  method: 'fixed' | 'otsu' | 'adaptive';
  threshold: number;
  max_value: number;
  adaptive_method: 'mean' | 'gaussian';
  block_size: number;
  C: number;
  invert: boolean;
}

/** Otsu's threshold of integer values in [0, bins) as OpenCV computes it. */
export function otsuInteger(src: NumericArray, bins: number): number {
  const counts = integerHistogram(src);
  if (counts && counts.length === bins) return otsuOfHistogram(counts, src.length);
  const h = new Float64Array(bins);
  for (let i = 0; i < src.length; i++) h[src[i]]++;
  return otsuOfHistogram(h, src.length);
}

/** Otsu's threshold from the counts of each integer value (n values in all), as OpenCV. */
function otsuOfHistogram(hist: ArrayLike<number>, n: number): number {
  const bins = hist.length;
  let mu = 0;
  for (let i = 0; i < bins; i++) mu += i * hist[i];
  mu /= n;
  let q1 = 0;
  let mu1 = 0;
  let best = 0;
  let at = 0;
  const eps = 1.1920928955078125e-7;
  for (let i = 0; i < bins; i++) {
    const p = hist[i] / n;
    mu1 *= q1;
    q1 += p;
    const q2 = 1 - q1;
    if (Math.min(q1, q2) < eps || Math.max(q1, q2) > 1 - eps) continue;
    mu1 = (mu1 + i * p) / q1;
    const mu2 = (mu - q1 * mu1) / q2;
    const sigma = q1 * q2 * (mu1 - mu2) * (mu1 - mu2);
    if (sigma > best) {
      best = sigma;
      at = i;
    }
  }
  return at;
}

/** Otsu's threshold of float values as skimage.filters.threshold_otsu (256 bins). */
export function otsuFloat(src: NumericArray): number {
  const [lo, hi] = valueRange(src);
  if (lo === hi) return lo;
  const bins = 256;
  const hist = new Float64Array(bins);
  const width = (hi - lo) / bins;
  for (let i = 0; i < src.length; i++) {
    hist[Math.min(bins - 1, Math.floor((src[i] - lo) / width))]++;
  }
  const centers = Float64Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * width);
  const w1 = new Float64Array(bins);
  const m1 = new Float64Array(bins);
  let cw = 0;
  let cm = 0;
  for (let i = 0; i < bins; i++) {
    cw += hist[i];
    cm += hist[i] * centers[i];
    w1[i] = cw;
    m1[i] = cm / cw;
  }
  const w2 = new Float64Array(bins);
  const m2 = new Float64Array(bins);
  cw = 0;
  cm = 0;
  for (let i = bins - 1; i >= 0; i--) {
    cw += hist[i];
    cm += hist[i] * centers[i];
    w2[i] = cw;
    m2[i] = cm / cw;
  }
  let best = -1;
  let at = 0;
  for (let i = 0; i < bins - 1; i++) {
    const v = w1[i] * w2[i + 1] * (m1[i] - m2[i + 1]) ** 2;
    if (v > best) {
      best = v;
      at = i;
    }
  }
  return centers[at];
}

export const threshold: ModuleDefinition<ThresholdParams> = {
  name: 'threshold',
  category: 'Binary',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Binarize with a fixed, Otsu or adaptive (local mean) threshold.',
  params: {
    type: 'object',
    properties: {
      method: {
        type: 'string',
        enum: ['fixed', 'otsu', 'adaptive'],
        default: 'fixed',
        description:
          'fixed: given threshold; otsu: chosen from the histogram; adaptive: per window.'
      },
      threshold: {
        type: 'number',
        default: 127,
        description: 'Pixels above it become max_value; fixed method only.'
      },
      max_value: {
        type: 'number',
        default: 255,
        description: 'Value of foreground pixels (background is 0).'
      },
      adaptive_method: {
        type: 'string',
        enum: ['mean', 'gaussian'],
        default: 'mean',
        description: 'Local mean: plain or Gaussian-weighted; adaptive method only.'
      },
      block_size: {
        type: 'integer',
        minimum: 3,
        maximum: 255,
        default: 11,
        description: 'Odd window width for the local mean; adaptive method only.'
      },
      C: {
        type: 'number',
        minimum: -255,
        maximum: 255,
        default: 2,
        description: 'Subtracted from the local mean; adaptive method only.'
      },
      invert: {
        type: 'boolean',
        default: false,
        description: 'Foreground is below the threshold instead of above.'
      }
    },
    additionalProperties: false,
    allOf: [
      {
        if: { required: ['method'], properties: { method: { not: { const: 'fixed' } } } },
        then: {
          properties: { threshold: { const: 127 } },
          $comment: 'threshold applies only to the fixed method'
        }
      },
      {
        if: { required: ['method'], properties: { method: { not: { const: 'adaptive' } } } },
        then: {
          properties: {
            adaptive_method: { const: 'mean' },
            block_size: { const: 11 },
            C: { const: 2 }
          },
          $comment: 'adaptive_method, block_size and C apply only to the adaptive method'
        }
      }
    ]
  },
  check: ({ block_size }) =>
    block_size % 2 === 0 ? [`block_size must be odd (got ${block_size})`] : [],
  apply(data, p) {
    const [h, w, c] = planarShape(data, 'threshold');
    const src = pixels(data, 'threshold');
    const { dtype } = data.image.array;
    const fg = storeAs(dtype, p.max_value);
    const on = p.invert ? 0 : fg;
    const off = p.invert ? fg : 0;
    if (p.method === 'adaptive') {
      requireDType(data, 'threshold (adaptive)', ['uint8']);
      // The local mean in uint8 as cv2.adaptiveThreshold computes it: cv2.blur (box sums
      // over an odd count) or cv2.GaussianBlur of the image in float32, both rounded half to
      // even. The small Gaussians (block_size ≤ 7) have dyadic weights, exact as integers.
      const kernel =
        p.adaptive_method === 'mean' ? boxKernel(p.block_size) : smallGaussian(p.block_size);
      const delta = p.invert ? Math.floor(p.C) : Math.ceil(p.C);
      const u8 = src as Uint8Array;
      if (c === 1 && kernel) {
        const simd = adaptiveThresholdSimd(u8, h, w, kernel, delta, fg, p.invert);
        if (simd) return binary(data, simd);
      }
      let rounded: NumericArray;
      if (kernel) rounded = integerBlur(u8, h, w, c, kernel, 'replicate');
      else {
        const k = gaussianKernel(p.block_size, 0);
        rounded = storeValues('uint8', separableFilter(src, h, w, c, k, k, 'replicate'));
      }
      const out = new Uint8Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const diff = src[i] - rounded[i];
        out[i] = p.invert ? (diff <= -delta ? fg : 0) : diff > -delta ? fg : 0;
      }
      return binary(data, out);
    } else {
      let t = p.threshold;
      if (p.method === 'otsu' && (dtype === 'uint8' || dtype === 'uint16')) {
        // 8/16-bit Otsu in the kernels: histogram and binary map from one copy of the image.
        const simd = histogramBinarySimd(
          src as Uint8Array | Uint16Array,
          hist => otsuOfHistogram(hist, src.length),
          on,
          off
        );
        if (simd) return binary(data, simd);
      }
      if (p.method === 'otsu') {
        if (dtype === 'uint8') t = otsuInteger(src, 256);
        else if (dtype === 'uint16') t = otsuInteger(src, 65536);
        else if (dtype === 'float32' || dtype === 'float64') t = otsuFloat(src);
        else requireDType(data, 'threshold (otsu)', ['uint8', 'uint16', 'float32', 'float64']);
      }
      // 8/16-bit images: the binary map is a lane comparison, or a table lookup.
      if (src instanceof Uint8Array && dtype === 'uint8') {
        const simd = binarySimd(src, t, on, off);
        return binary(
          data,
          simd ??
            lookupUint8(
              src,
              tableUint8(v => (v > t ? on : off))
            )
        );
      }
      if (src instanceof Uint16Array && dtype === 'uint16') {
        const simd = binarySimd(src, t, on, off);
        return binary(
          data,
          simd ??
            lookupUint16(
              src,
              tableUint16(v => (v > t ? on : off))
            )
        );
      }
      const out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) out[i] = src[i] > t ? on : off;
      return binary(data, storeFiltered(data, out).image.array.data as NumericArray);
    }
  }
};
