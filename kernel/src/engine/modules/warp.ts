/**
 * Affine warping with OpenCV's conventions (cv2.warpAffine with WARP_INVERSE_MAP semantics
 * computed here): each output pixel samples the source at M·(x, y, 1); coordinates are
 * quantised to 1/32 pixel as OpenCV's INTER_BITS does, bilinear weights come from that
 * fraction, and samples outside the image read a constant border value.
 */
import type { DataDict } from '../data/datadict';
import type { NumericArray } from '../data/ndarray';
import { pixels, planarShape, roundHalfEven, storeAs, withImage } from './image';
import { storeValues, valuesFor } from './typed-loops';
import { warpSimd } from '../simd/geometry';
import { kernelPixels } from '../simd/wasm-kernels';

/** 2×3 affine matrix, row-major [a, b, c, d, e, f]: x' = a x + b y + c, y' = d x + e y + f. */
export type Affine = [number, number, number, number, number, number];

/** cv2.getRotationMatrix2D: rotation by `angle` degrees (counter-clockwise) and scale. */
export function rotationMatrix(cx: number, cy: number, angle: number, scale: number): Affine {
  const a = Math.cos((angle * Math.PI) / 180) * scale;
  const b = Math.sin((angle * Math.PI) / 180) * scale;
  return [a, b, (1 - a) * cx - b * cy, -b, a, b * cx + (1 - a) * cy];
}

/** Inverse of an affine map (as cv2.invertAffineTransform). */
export function invertAffine([a, b, c, d, e, f]: Affine): Affine {
  let det = a * e - b * d;
  det = det !== 0 ? 1 / det : 0;
  const A = e * det;
  const B = -b * det;
  const D = -d * det;
  const E = a * det;
  return [A, B, -A * c - B * f, D, E, -D * c - E * f];
}

/** Nearest-neighbour sampling; rowMap = [b, c, e, f] of the inverse map. */
function warpNearest(
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  ax: Int32Array,
  dx: Int32Array,
  [b, cc, e, f]: number[],
  fill: number,
  out: Float64Array
): Float64Array {
  for (let y = 0; y < h; y++) {
    const rx = roundHalfEven((b * y + cc) * 1024);
    const ry = roundHalfEven((e * y + f) * 1024);
    for (let x = 0; x < w; x++) {
      // Half a pixel added before the shift: rounds to the nearest source pixel.
      const sx = (rx + ax[x] + 512) >> 10;
      const sy = (ry + dx[x] + 512) >> 10;
      const o = (y * w + x) * c;
      const inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
      const s = (sy * w + sx) * c;
      for (let k = 0; k < c; k++) out[o + k] = inside ? src[s + k] : fill;
    }
  }
  return out;
}

/** Bilinear sampling at 1/32 pixel, as cv2.warpAffine INTER_LINEAR; float64 values. */
function warpBilinear(
  src: NumericArray,
  h: number,
  w: number,
  c: number,
  ax: Int32Array,
  dx: Int32Array,
  [b, cc, e, f]: number[],
  fill: number,
  out: Float64Array
): Float64Array {
  const sample = (x: number, y: number, k: number) =>
    x >= 0 && x < w && y >= 0 && y < h ? src[(y * w + x) * c + k] : fill;
  for (let y = 0; y < h; y++) {
    const rx = roundHalfEven((b * y + cc) * 1024);
    const ry = roundHalfEven((e * y + f) * 1024);
    for (let x = 0; x < w; x++) {
      // Half a 1/32 step added before the shift: rounds to the nearest 1/32 pixel.
      const X = (rx + ax[x] + 16) >> 5;
      const Y = (ry + dx[x] + 16) >> 5;
      const sx = X >> 5;
      const sy = Y >> 5;
      const fx = (X & 31) / 32;
      const fy = (Y & 31) / 32;
      const o = (y * w + x) * c;
      if (sx >= 0 && sx < w - 1 && sy >= 0 && sy < h - 1) {
        // All four neighbours inside: no border tests.
        const s = (sy * w + sx) * c;
        const t = s + w * c;
        for (let k = 0; k < c; k++) {
          const top = src[s + k] * (1 - fx) + src[s + c + k] * fx;
          const bottom = src[t + k] * (1 - fx) + src[t + c + k] * fx;
          out[o + k] = top * (1 - fy) + bottom * fy;
        }
        continue;
      }
      for (let k = 0; k < c; k++) {
        const top = sample(sx, sy, k) * (1 - fx) + sample(sx + 1, sy, k) * fx;
        const bottom = sample(sx, sy + 1, k) * (1 - fx) + sample(sx + 1, sy + 1, k) * fx;
        out[o + k] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

/** Forward map M (source → output), as cv2.warpAffine takes it; output has the input size. */
export function warpAffine(
  data: DataDict,
  forward: Affine,
  interpolation: 'nearest' | 'bilinear',
  borderValue: number,
  module: string
): DataDict {
  const [h, w, c] = planarShape(data, module);
  const src = pixels(data, module);
  const { dtype, shape } = data.image.array;
  const [a, b, cc, d, e, f] = invertAffine(forward);
  const fill = storeAs(dtype, borderValue);
  // OpenCV rounds the row and column parts separately to 1/1024 pixel; the column parts
  // are the same for every row.
  const ax = new Int32Array(w);
  const dx = new Int32Array(w);
  for (let x = 0; x < w; x++) {
    ax[x] = roundHalfEven(a * x * 1024);
    dx[x] = roundHalfEven(d * x * 1024);
  }
  const gray = kernelPixels(src, c);
  if (gray) {
    const bilinear = interpolation === 'bilinear';
    const simd = warpSimd(gray, h, w, ax, dx, [b, cc, e, f], fill, bilinear);
    if (simd) return withImage(data, { data: simd, shape: shape.slice(), dtype });
  }
  const values =
    interpolation === 'nearest'
      ? warpNearest(src, h, w, c, ax, dx, [b, cc, e, f], fill, valuesFor(dtype, 'warp', src.length))
      : warpBilinear(
          src,
          h,
          w,
          c,
          ax,
          dx,
          [b, cc, e, f],
          fill,
          valuesFor(dtype, 'warp', src.length)
        );
  const out = storeValues(dtype, values);
  return withImage(data, { data: out, shape: shape.slice(), dtype });
}
