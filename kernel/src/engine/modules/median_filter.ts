/**
 * Median filter as cv2.medianBlur: the median of each kernel_size² window, borders replicated.
 * Removes salt-and-pepper noise while keeping edges.
 */
import type { ModuleDefinition } from './types';
import { allocate, type NumericArray } from '../data/ndarray';
import { pixels, planarShape, withImage } from './image';
import { borderIndex } from './filters';
import { median3x3Simd, median5x5Simd } from '../simd/median';
import { kernelPixels } from '../simd/wasm-kernels';

export interface MedianParams {
  kernel_size: number;
}

/** The k-th smallest of a[0…n) (Hoare's selection; reorders a). */
function selectKth(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

/**
 * 3×3 median: each padded column's three values are sorted once per row and shared by the
 * three windows that contain the column; the median of nine is then
 * med3(max of the minima, med3 of the middles, min of the maxima).
 */
function median3x3<T extends NumericArray>(src: T, out: T, h: number, w: number, c: number): void {
  const make = (n: number) => new (src.constructor as new (n: number) => T)(n);
  const lo = make(w + 2);
  const mid = make(w + 2);
  const hi = make(w + 2);
  for (let k = 0; k < c; k++) {
    for (let y = 0; y < h; y++) {
      const r0 = Math.max(0, y - 1) * w;
      const r1 = y * w;
      const r2 = Math.min(h - 1, y + 1) * w;
      for (let i = 0; i < w + 2; i++) {
        const x = i === 0 ? 0 : i > w ? w - 1 : i - 1;
        let a = src[(r0 + x) * c + k];
        let b = src[(r1 + x) * c + k];
        let d = src[(r2 + x) * c + k];
        if (a > b) [a, b] = [b, a];
        if (b > d) [b, d] = [d, b];
        if (a > b) [a, b] = [b, a];
        lo[i] = a;
        mid[i] = b;
        hi[i] = d;
      }
      const o = y * w;
      for (let x = 0; x < w; x++) {
        const maxLo = Math.max(lo[x], lo[x + 1], lo[x + 2]);
        const minHi = Math.min(hi[x], hi[x + 1], hi[x + 2]);
        let a = mid[x];
        let b = mid[x + 1];
        let d = mid[x + 2];
        if (a > b) [a, b] = [b, a];
        if (b > d) [b, d] = [d, b];
        if (a > b) b = a;
        // b is the median of the middles; the answer is med3(maxLo, b, minHi).
        const m = Math.max(Math.min(maxLo, b), Math.min(Math.max(maxLo, b), minHi));
        out[(o + x) * c + k] = m;
      }
    }
  }
}

/**
 * Median of k×k windows of a uint8 image with a sliding 256-bin histogram (Huang): moving one
 * pixel right removes a column and adds one, and the median moves from where it was.
 */
function medianHistogram(
  src: Uint8Array,
  out: Uint8Array,
  h: number,
  w: number,
  c: number,
  size: number
): void {
  const r = size >> 1;
  const half = (size * size) >> 1; // index of the median in the sorted window
  const xs = new Int32Array(w + 2 * r);
  for (let i = 0; i < xs.length; i++) xs[i] = borderIndex(i - r, w, 'replicate');
  const rows = new Int32Array(size);
  const hist = new Int32Array(256);
  for (let k = 0; k < c; k++) {
    for (let y = 0; y < h; y++) {
      for (let t = 0; t < size; t++) rows[t] = borderIndex(y - r + t, h, 'replicate') * w;
      hist.fill(0);
      for (let t = 0; t < size; t++) {
        for (let i = 0; i < size; i++) hist[src[(rows[t] + xs[i]) * c + k]]++;
      }
      let med = 0;
      let below = 0; // values < med
      while (below + hist[med] <= half) below += hist[med++];
      out[y * w * c + k] = med;
      for (let x = 1; x < w; x++) {
        const gone = xs[x - 1];
        const come = xs[x + size - 1];
        for (let t = 0; t < size; t++) {
          const v = src[(rows[t] + gone) * c + k];
          hist[v]--;
          if (v < med) below--;
          const u = src[(rows[t] + come) * c + k];
          hist[u]++;
          if (u < med) below++;
        }
        while (below > half) below -= hist[--med];
        while (below + hist[med] <= half) below += hist[med++];
        out[(y * w + x) * c + k] = med;
      }
    }
  }
}

export const medianFilter: ModuleDefinition<MedianParams> = {
  name: 'median_filter',
  category: 'General',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Replace each pixel by the median of its neighbourhood (removes speckles).',
  params: {
    type: 'object',
    properties: {
      kernel_size: {
        type: 'integer',
        minimum: 3,
        maximum: 31,
        default: 3,
        description: 'Odd window width and height in pixels.'
      }
    },
    additionalProperties: false
  },
  check: ({ kernel_size }) =>
    kernel_size % 2 === 0 ? [`kernel_size must be odd (got ${kernel_size})`] : [],
  apply(data, { kernel_size }) {
    const [h, w, c] = planarShape(data, 'median_filter');
    const src = pixels(data, 'median_filter');
    const { dtype, shape } = data.image.array;
    const gray = kernelPixels(src, c);
    if (gray && (kernel_size === 3 || kernel_size === 5)) {
      const simd = kernel_size === 3 ? median3x3Simd(gray, h, w) : median5x5Simd(gray, h, w);
      if (simd) return withImage(data, { data: simd, shape: shape.slice(), dtype });
    }
    const out = allocate(dtype, src.length);
    if (kernel_size === 3) {
      median3x3(src, out, h, w, c);
      return withImage(data, { data: out, shape: shape.slice(), dtype });
    }
    if (src instanceof Uint8Array && out instanceof Uint8Array) {
      medianHistogram(src, out, h, w, c, kernel_size);
      return withImage(data, { data: out, shape: shape.slice(), dtype });
    }
    const r = kernel_size >> 1;
    const n = kernel_size * kernel_size;
    const win = new Float64Array(n);
    const xs = Int32Array.from({ length: w + 2 * r }, (_, i) => borderIndex(i - r, w, 'replicate'));
    const ys = Int32Array.from({ length: h + 2 * r }, (_, i) => borderIndex(i - r, h, 'replicate'));
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let k = 0; k < c; k++) {
          let m = 0;
          for (let dy = 0; dy < kernel_size; dy++) {
            const row = ys[y + dy] * w;
            for (let dx = 0; dx < kernel_size; dx++) win[m++] = src[(row + xs[x + dx]) * c + k];
          }
          out[(y * w + x) * c + k] = selectKth(win, n, n >> 1);
        }
      }
    }
    return withImage(data, { data: out, shape: shape.slice(), dtype });
  }
};
