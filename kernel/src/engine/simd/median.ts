/**
 * The 3×3 and 5×5 medians (cv2.medianBlur, replicated borders) of one-channel uint8 / uint16
 * images in the SIMD kernels of kernel/assembly/median.ts.
 */
import { imageKernels, type PixelArray } from './wasm-kernels';

/** The 3×3 median, or null where the kernels do not apply (the caller loops instead). */
export function median3x3Simd<T extends PixelArray>(src: T, h: number, w: number): T | null {
  const k = imageKernels();
  const size = src.BYTES_PER_ELEMENT;
  // A row must hold one whole vector (16 bytes).
  if (!k || w * size < 16) return null;
  const n = h * w;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(n * size);
  const scratch = k.alloc(k.exports.median3x3ScratchBytes(w, size));
  k.exports.median3x3(size, from, to, scratch, h, w);
  return k.take(src, to, n);
}

/** The 5×5 median (a selection network per vector of pixels), or null as median3x3Simd. */
export function median5x5Simd<T extends PixelArray>(src: T, h: number, w: number): T | null {
  const k = imageKernels();
  const size = src.BYTES_PER_ELEMENT;
  if (!k || w * size < 16) return null;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(h * w * size);
  const padded = k.alloc((h + 4) * (w + 4) * size);
  k.exports.median5x5(size, from, to, padded, h, w);
  return k.take(src, to, h * w);
}
