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
  const rx = (kx.length - 1) >> 1;
  const ry = (ky.length - 1) >> 1;
  const xs = paddedIndices(w, rx, kx.length - 1 - rx, border);
  const ys = paddedIndices(h, ry, ky.length - 1 - ry, border);
  const tmp = new Float64Array(h * w * c);
  const row = new Float64Array((w + kx.length - 1) * c);
  for (let y = 0; y < h; y++) {
    const base = y * w * c;
    for (let i = 0; i < xs.length; i++) {
      const sx = xs[i];
      for (let k = 0; k < c; k++) row[i * c + k] = sx < 0 ? value : src[base + sx * c + k];
    }
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let t = 0; t < kx.length; t++) s += kx[t] * row[(x + t) * c + k];
        tmp[base + x * c + k] = s;
      }
    }
  }
  const out = new Float64Array(h * w * c);
  const stride = w * c;
  // Value of a 'constant' row after the horizontal pass.
  let constRow = 0;
  for (let t = 0; t < kx.length; t++) constRow += kx[t] * value;
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
 * morphology. Rectangular kernels run as two 1D passes.
 */
export function minMaxFilter(
  src: NumericArray,
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
  const better = op === 'min' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
  const init = op === 'min' ? Infinity : -Infinity;
  const out = new Float64Array(h * w * c).fill(init);
  if (mask.every(v => v === 1)) {
    const tmp = new Float64Array(h * w * c).fill(init);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const x0 = Math.max(0, x - rx);
        const x1 = Math.min(w - 1, x + kw - 1 - rx);
        for (let k = 0; k < c; k++) {
          let m = init;
          for (let sx = x0; sx <= x1; sx++) {
            const v = src[(y * w + sx) * c + k];
            if (better(v, m)) m = v;
          }
          tmp[(y * w + x) * c + k] = m;
        }
      }
    }
    for (let y = 0; y < h; y++) {
      const y0 = Math.max(0, y - ry);
      const y1 = Math.min(h - 1, y + kh - 1 - ry);
      for (let sy = y0; sy <= y1; sy++) {
        const r = sy * w * c;
        const o = y * w * c;
        for (let i = 0; i < w * c; i++) if (better(tmp[r + i], out[o + i])) out[o + i] = tmp[r + i];
      }
    }
    return out;
  }
  for (let ty = 0; ty < kh; ty++) {
    for (let tx = 0; tx < kw; tx++) {
      if (!mask[ty * kw + tx]) continue;
      const dy = ty - ry;
      const dx = tx - rx;
      for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
        const o = y * w * c;
        const r = (y + dy) * w * c;
        for (let x = Math.max(0, -dx); x < Math.min(w, w - dx); x++) {
          for (let k = 0; k < c; k++) {
            const v = src[r + (x + dx) * c + k];
            if (better(v, out[o + x * c + k])) out[o + x * c + k] = v;
          }
        }
      }
    }
  }
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
