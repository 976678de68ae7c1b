/**
 * The 3×3 median (cv2.medianBlur, replicated borders) of one-channel uint8 / uint16 images in
 * the SIMD kernels of kernel/assembly/median.ts.
 */
import { imageKernels, type PixelArray } from './wasm-kernels';

/** The filtered image, or null where the kernels do not apply (the caller loops instead). */
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
  (size === 1 ? k.exports.median3x3U8 : k.exports.median3x3U16)(from, to, scratch, h, w);
  return k.take(src, to, n);
}
