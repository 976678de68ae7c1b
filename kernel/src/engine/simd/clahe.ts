/**
 * CLAHE of a one-channel uint8 / uint16 image in the kernels of kernel/assembly/clahe.ts:
 * the tiles' tables (histograms, clipping, cumulative counts in i32 lanes) and the bilinear
 * blend of four tables per pixel in float32, the same arithmetic as the module's loops.
 */
import type { ClaheGrid } from '../modules/histogram_equalization';
import { imageKernels, type PixelArray } from './wasm-kernels';

/** CLAHE of src (h×w values < bins) on tilesY × tilesX tiles; null where kernels are off. */
export function claheSimd<T extends PixelArray>(
  src: T,
  h: number,
  w: number,
  bins: number,
  tilesY: number,
  tilesX: number,
  grid: ClaheGrid
): T | null {
  const k = imageKernels();
  if (!k) return null;
  const size = src.BYTES_PER_ELEMENT;
  k.reset();
  const from = k.put(src);
  const to = k.alloc(h * w * size);
  // Tables of float32 for uint8 images (read without conversion), of uint16 for uint16 ones.
  const luts = k.alloc(tilesY * tilesX * bins * (size === 1 ? 4 : 2));
  const hist = k.alloc(bins * 4);
  new Uint32Array(k.exports.memory.buffer, hist, bins).fill(0);
  const { th, tw, clip, lutScale, invTh } = grid;
  const columns = k.put(grid.columns);
  const tables = k.exports.claheTables;
  tables(size, from, h, w, bins, tilesY, tilesX, th, tw, clip, lutScale, luts, hist, columns);
  const left = k.put(grid.left);
  const right = k.put(grid.right);
  const wx = k.put(grid.wx);
  const wx1 = k.put(grid.wx1);
  const blend = k.exports.claheBlend;
  blend(size, from, to, h, w, bins, tilesY, tilesX, invTh, luts, left, right, wx, wx1);
  return k.take(src, to, h * w);
}
