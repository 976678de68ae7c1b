/** Colour to grayscale of 8-bit RGB images in the kernels of kernel/assembly/color.ts. */
import { imageKernels } from './wasm-kernels';

/**
 * The luminance of n interleaved RGB pixels in 15-bit fixed point (weights over 2^15), or
 * null where the kernels do not apply.
 */
export function grayRgbSimd(
  src: Uint8Array,
  n: number,
  { r, g, b }: { r: number; g: number; b: number }
): Uint8Array | null {
  const k = imageKernels();
  // The kernel's 16-bit dot products take weights below 2^15.
  if (!k || n < 16 || Math.max(r, g, b) >= 32768) return null;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(n);
  k.exports.grayRgbU8(from, to, n, r, g, b);
  return k.take(src, to, n);
}
