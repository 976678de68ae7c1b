/**
 * Median filter as cv2.medianBlur: the median of each kernel_size² window, borders replicated.
 * Removes salt-and-pepper noise while keeping edges.
 */
import type { ModuleDefinition } from './types';
import { allocate } from '../data/ndarray';
import { pixels, planarShape, withImage } from './image';
import { borderIndex } from './filters';

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
    const out = allocate(dtype, src.length);
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
