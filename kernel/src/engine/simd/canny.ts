/**
 * cv2.Canny with a 3×3 aperture on one-channel uint8 images in the kernels of
 * kernel/assembly/canny.ts (Sobel derivatives in SIMD lanes, then magnitude, non-maximum
 * suppression and hysteresis in integer arithmetic, as modules/canny.ts does them).
 */
import { imageKernels, KERNEL_BORDERS } from './wasm-kernels';

/** Thresholds as modules/canny.ts prepares them (integers; squared for the L2 gradient). */
export interface CannyThresholds {
  low: number;
  high: number;
  l2: boolean;
  /** tan(22.5°) · 2^shift, rounded. */
  tg22: number;
  shift: number;
}

/** The 0/255 edge map, or null where the kernels do not apply. */
export function canny3Simd(
  src: Uint8Array,
  h: number,
  w: number,
  t: CannyThresholds
): Uint8Array | null {
  const k = imageKernels();
  if (!k || w < 8) return null;
  const n = h * w;
  k.reset();
  const from = k.put(src);
  const padded = k.alloc((h + 2) * (w + 2));
  const line = k.alloc(4 * (w + 2) + 16);
  const gx = k.alloc(n * 2);
  const gy = k.alloc(n * 2);
  const mag = k.alloc((h + 2) * (w + 2) * 4);
  const map = k.alloc(n);
  const stack = k.alloc(n * 4);
  const to = k.alloc(n);
  k.exports.padImageU8(from, padded, h, w, 1, KERNEL_BORDERS.replicate);
  k.exports.sobel3PairU8(padded, gx, gy, line, h, w);
  k.exports.cannyU8(
    gx,
    gy,
    to,
    mag,
    map,
    stack,
    h,
    w,
    t.low,
    t.high,
    t.l2 ? 1 : 0,
    t.tg22,
    t.shift
  );
  return k.take(src, to, n);
}
