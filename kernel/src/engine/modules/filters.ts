/**
 * Neighbourhood operations shared by the filter modules: border extrapolation with OpenCV's
 * modes, separable and general 2D correlation, and min/max (morphology) filters. Images are
 * H×W×C interleaved typed arrays; each channel is filtered independently.
 */
import type { NumericArray } from '../data/ndarray';

/** OpenCV border modes, by OpenCV's names. */
export type Border = 'reflect_101' | 'reflect' | 'replicate' | 'wrap' | 'constant';

/** Source index for coordinate p in [0, len) after border extrapolation; -1 for 'constant'. */
export function borderIndex(p: number, len: number, border: Border): number {
  if (p >= 0 && p < len) return p;
  if (border === 'constant') return -1;
  if (len === 1) return 0;
  switch (border) {
    case 'replicate':
      return p < 0 ? 0 : len - 1;
    case 'wrap':
      return ((p % len) + len) % len;
    case 'reflect':
      do {
        p = p < 0 ? -p - 1 : 2 * len - 1 - p;
      } while (p < 0 || p >= len);
      return p;
    default:
      do {
        p = p < 0 ? -p : 2 * len - 2 - p;
      } while (p < 0 || p >= len);
      return p;
  }
}

/** Source indices of coordinates -before … len-1+after (the padded axis). */
function paddedIndices(len: number, before: number, after: number, border: Border): Int32Array {
  const out = new Int32Array(len + before + after);
  for (let i = 0; i < out.length; i++) out[i] = borderIndex(i - before, len, border);
  return out;
}

/**
 * Correlates each channel with ky (vertical) ⊗ kx (horizontal), anchors at the kernel
 * centres, as cv2.sepFilter2D. Sums in float64; 'constant' borders read `value`.
 */
export function separableFilter(
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  kx: ArrayLike<number>,
  ky: ArrayLike<number>,
  border: Border,
  value = 0
): Float64Array {
  // Monomorphic copies: the loops below then see only Float64Arrays.
  const KX = Float64Array.from(kx);
  const rx = (KX.length - 1) >> 1;
  const ry = (ky.length - 1) >> 1;
  const xs = paddedIndices(w, rx, KX.length - 1 - rx, border);
  const ys = paddedIndices(h, ry, ky.length - 1 - ry, border);
  const tmp = new Float64Array(h * w * c);
  const row = new Float64Array((w + KX.length - 1) * c);
  const taps = KX.length;
  for (let y = 0; y < h; y++) {
    const base = y * w * c;
    for (let i = 0; i < xs.length; i++) {
      const sx = xs[i];
      for (let k = 0; k < c; k++) row[i * c + k] = sx < 0 ? value : src[base + sx * c + k];
    }
    if (c === 1) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let t = 0; t < taps; t++) s += KX[t] * row[x + t];
        tmp[base + x] = s;
      }
      continue;
    }
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let t = 0; t < taps; t++) s += KX[t] * row[(x + t) * c + k];
        tmp[base + x * c + k] = s;
      }
    }
  }
  const out = new Float64Array(h * w * c);
  const stride = w * c;
  // Value of a 'constant' row after the horizontal pass.
  let constRow = 0;
  for (let t = 0; t < taps; t++) constRow += KX[t] * value;
  for (let y = 0; y < h; y++) {
    const o = y * stride;
    for (let t = 0; t < ky.length; t++) {
      const sy = ys[y + t];
      const kt = ky[t];
      if (sy < 0) {
        for (let i = 0; i < stride; i++) out[o + i] += kt * constRow;
      } else {
        const r = sy * stride;
        for (let i = 0; i < stride; i++) out[o + i] += kt * tmp[r + i];
      }
    }
  }
  return out;
}

/** General 2D correlation (cv2.filter2D) with a kh×kw kernel, anchor at its centre. */
export function filter2D(
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  kernel: ArrayLike<number>,
  kh: number,
  kw: number,
  border: Border
): Float64Array {
  const ry = (kh - 1) >> 1;
  const rx = (kw - 1) >> 1;
  const xs = paddedIndices(w, rx, kw - 1 - rx, border);
  const ys = paddedIndices(h, ry, kh - 1 - ry, border);
  const out = new Float64Array(h * w * c);
  for (let ty = 0; ty < kh; ty++) {
    for (let tx = 0; tx < kw; tx++) {
      const kv = kernel[ty * kw + tx];
      if (kv === 0) continue;
      for (let y = 0; y < h; y++) {
        const sy = ys[y + ty];
        if (sy < 0) continue;
        const o = y * w * c;
        const r = sy * w * c;
        for (let x = 0; x < w; x++) {
          const sx = xs[x + tx];
          if (sx < 0) continue;
          for (let k = 0; k < c; k++) out[o + x * c + k] += kv * src[r + sx * c + k];
        }
      }
    }
  }
  return out;
}

/**
 * Erosion (min) or dilation (max) of each channel with a binary kernel (kh×kw mask, anchor at
 * the centre). Pixels outside the image never take part, as with OpenCV's default border for
 * morphology. Dilation runs as erosion of negated values (one code path, no comparisons
 * through closures); each kernel row is a 1D min over a run of columns, so rectangles,
 * ellipses and crosses cost one horizontal pass per distinct run.
 */
export function minMaxFilter(
  src: ArrayLike<number>,
  h: number,
  w: number,
  c: number,
  mask: Uint8Array,
  kh: number,
  kw: number,
  op: 'min' | 'max'
): Float64Array {
  const ry = (kh - 1) >> 1;
  const rx = (kw - 1) >> 1;
  const n = h * w * c;
  const sign = op === 'min' ? 1 : -1;
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = sign * src[i];
  const out = new Float64Array(n).fill(Infinity);
  // Runs [x0, x1) of the mask's rows; rows with the same run share one horizontal pass.
  const passes = new Map<string, Float64Array>();
  for (let ty = 0; ty < kh; ty++) {
    let x0 = -1;
    let x1 = -1;
    for (let tx = 0; tx < kw; tx++) {
      if (!mask[ty * kw + tx]) continue;
      if (x0 < 0) x0 = tx;
      if (x1 >= 0 && x1 !== tx) throw new Error('morphology: kernel rows must be contiguous');
      x1 = tx + 1;
    }
    if (x0 < 0) continue;
    const key = `${x0},${x1}`;
    let row = passes.get(key);
    if (!row) {
      row = new Float64Array(n);
      const d0 = x0 - rx;
      const d1 = x1 - 1 - rx;
      for (let y = 0; y < h; y++) {
        const base = y * w;
        for (let x = 0; x < w; x++) {
          const s0 = Math.max(0, x + d0);
          const s1 = Math.min(w - 1, x + d1);
          for (let k = 0; k < c; k++) {
            let m = Infinity;
            for (let sx = s0; sx <= s1; sx++) {
              const v = a[(base + sx) * c + k];
              if (v < m) m = v;
            }
            row[(base + x) * c + k] = m;
          }
        }
      }
      passes.set(key, row);
    }
    const dy = ty - ry;
    const stride = w * c;
    for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
      const o = y * stride;
      const r = (y + dy) * stride;
      for (let i = 0; i < stride; i++) {
        const v = row[r + i];
        if (v < out[o + i]) out[o + i] = v;
      }
    }
  }
  if (sign < 0) for (let i = 0; i < n; i++) out[i] = -out[i];
  return out;
}

/** Gaussian kernel as cv2.getGaussianKernel (fixed small kernels when sigma <= 0). */
export function gaussianKernel(size: number, sigma: number): Float64Array {
  const fixed: Record<number, number[]> = {
    1: [1],
    3: [0.25, 0.5, 0.25],
    5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
    7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125]
  };
  if (sigma <= 0 && fixed[size]) return Float64Array.from(fixed[size]);
  const s = sigma > 0 ? sigma : ((size - 1) * 0.5 - 1) * 0.3 + 0.8;
  const k = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = i - (size - 1) * 0.5;
    k[i] = Math.exp(-(x * x) / (2 * s * s));
    sum += k[i];
  }
  for (let i = 0; i < size; i++) k[i] /= sum;
  return k;
}

/** Kernel size OpenCV picks for a sigma when the size is 0 (8-bit: 3σ, else 4σ, odd). */
export function gaussianSizeFor(sigma: number, eightBit: boolean): number {
  return Math.max(1, Math.round(sigma * (eightBit ? 3 : 4) * 2 + 1) | 1);
}

/**
 * Derivative kernel of the given order and aperture, as cv2.getDerivKernels /
 * getSobelKernels (aperture 1 means the 3-tap kernel without smoothing).
 */
export function sobelKernel(order: number, aperture: number): Float64Array {
  if (aperture === 1) {
    return Float64Array.from(
      [
        [0, 1, 0],
        [-1, 0, 1],
        [1, -2, 1]
      ][order]
    );
  }
  const k = new Float64Array(aperture + 1);
  k[0] = 1;
  for (let i = 0; i < aperture - order - 1; i++) {
    let old = k[0];
    for (let j = 1; j <= aperture; j++) {
      const next = k[j] + k[j - 1];
      k[j - 1] = old;
      old = next;
    }
  }
  for (let i = 0; i < order; i++) {
    let old = -k[0];
    for (let j = 1; j <= aperture; j++) {
      const next = k[j - 1] - k[j];
      k[j - 1] = old;
      old = next;
    }
  }
  return k.subarray(0, aperture);
}
