/**
 * Canny edge detection, step for step as cv2.Canny on uint8 images: Sobel derivatives (int,
 * replicated borders), L1 or L2 gradient magnitude, non-maximum suppression along the
 * gradient direction quantised with OpenCV's fixed-point tan(22.5°) test, and hysteresis
 * (pixels above `low` kept when 8-connected to a pixel above `high`). Output uint8 0/255.
 */
import type { ModuleDefinition } from './types';
import { pixels, planarShape, requireDType, withImage } from './image';
import { separableFilter, sobelKernel } from './filters';
import { canny3Simd } from '../simd/canny';

export interface CannyParams {
  low: number;
  high: number;
  kernel_size: number;
  l2_gradient: boolean;
}

const SHIFT = 15;
const TG22 = Math.floor(Math.tan(Math.PI / 8) * (1 << SHIFT) + 0.5);

export const canny: ModuleDefinition<CannyParams> = {
  name: 'canny',
  category: 'Binary',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Canny edge detector: thin, connected edges as a binary image (uint8 input).',
  params: {
    type: 'object',
    properties: {
      low: {
        type: 'number',
        minimum: 0,
        maximum: 100000,
        default: 50,
        description: 'Lower hysteresis threshold on the gradient magnitude.'
      },
      high: {
        type: 'number',
        minimum: 0,
        maximum: 100000,
        default: 150,
        description: 'Upper threshold: edges start at pixels above it.'
      },
      kernel_size: {
        type: 'integer',
        enum: [3, 5, 7],
        default: 3,
        description: 'Sobel aperture.'
      },
      l2_gradient: {
        type: 'boolean',
        default: false,
        description: 'Magnitude as sqrt(dx² + dy²) instead of |dx| + |dy|.'
      }
    },
    additionalProperties: false
  },
  check: ({ low, high }) =>
    low <= high ? [] : [`low must be <= high (got low ${low}, high ${high})`],
  apply(data, { low: lowT, high: highT, kernel_size, l2_gradient }) {
    requireDType(data, 'canny', ['uint8']);
    const [h, w, c] = planarShape(data, 'canny');
    if (c !== 1) throw new Error(`canny: expects one channel, got ${c}; add grayscale before it`);
    const src = pixels(data, 'canny');
    let lo = lowT;
    let hi = highT;
    if (l2_gradient) {
      lo = Math.min(32767, lo);
      hi = Math.min(32767, hi);
      if (lo > 0) lo *= lo;
      if (hi > 0) hi *= hi;
    }
    lo = Math.floor(lo);
    hi = Math.floor(hi);
    const edges = (map: Uint8Array) =>
      withImage(
        data,
        { data: map, shape: data.image.array.shape.slice(), dtype: 'uint8' },
        { color_mode: 'Binary', pixel_value_range: [0, 255] }
      );
    if (kernel_size === 3 && src instanceof Uint8Array) {
      const thresholds = { low: lo, high: hi, l2: l2_gradient, tg22: TG22, shift: SHIFT };
      const simd = canny3Simd(src, h, w, thresholds);
      if (simd) return edges(simd);
    }
    const d = sobelKernel(1, kernel_size);
    const s = sobelKernel(0, kernel_size);
    const dx = separableFilter(src, h, w, 1, d, s, 'replicate');
    const dy = separableFilter(src, h, w, 1, s, d, 'replicate');
    // Magnitudes with a zero frame, so that neighbours outside the image never win.
    const W = w + 2;
    const mag = new Float64Array((h + 2) * W);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        mag[(y + 1) * W + x + 1] = l2_gradient
          ? dx[i] * dx[i] + dy[i] * dy[i]
          : Math.abs(dx[i]) + Math.abs(dy[i]);
      }
    }
    // 0: not an edge; 1: weak candidate; 2: edge.
    const map = new Uint8Array(h * w);
    const stack: number[] = [];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const j = (y + 1) * W + x + 1;
        const m = mag[j];
        if (m <= lo) continue;
        const xs = dx[y * w + x];
        const ys = dy[y * w + x];
        const ax = Math.abs(xs);
        const ay = Math.abs(ys) * (1 << SHIFT);
        const tg22x = ax * TG22;
        let keep: boolean;
        if (ay < tg22x) keep = m > mag[j - 1] && m >= mag[j + 1];
        else if (ay > tg22x + ax * (1 << (SHIFT + 1))) keep = m > mag[j - W] && m >= mag[j + W];
        else {
          const sgn = xs * ys < 0 ? -1 : 1;
          keep = m > mag[j - W - sgn] && m > mag[j + W + sgn];
        }
        if (!keep) continue;
        if (m > hi) {
          map[y * w + x] = 2;
          stack.push(y * w + x);
        } else map[y * w + x] = 1;
      }
    }
    while (stack.length > 0) {
      const p = stack.pop()!;
      const y = Math.floor(p / w);
      const x = p - y * w;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
          const q = yy * w + xx;
          if (map[q] === 1) {
            map[q] = 2;
            stack.push(q);
          }
        }
      }
    }
    const out = new Uint8Array(h * w);
    for (let i = 0; i < out.length; i++) out[i] = map[i] === 2 ? 255 : 0;
    return edges(out);
  }
};
