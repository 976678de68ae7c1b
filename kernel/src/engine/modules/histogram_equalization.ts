/**
 * Histogram equalization, global (cv2.equalizeHist) or adaptive (CLAHE, cv2.createCLAHE),
 * following OpenCV's algorithms step by step so that results match exactly: the global
 * lookup table is the scaled cumulative histogram without the lowest occupied bin; CLAHE
 * clips each tile's histogram at limit × (tile area / bins), spreads the excess evenly, and
 * blends the four nearest tiles' tables bilinearly. uint8 and uint16 images.
 */
import type { ModuleDefinition } from './types';
import type { DataDict } from '../data/datadict';
import { allocate } from '../data/ndarray';
import { pixels, planarShape, requireDType, roundHalfEven, withImage } from './image';
import { borderIndex } from './filters';
import { integerHistogram, lookupUint16, lookupUint8, scratchUint16 } from './typed-loops';
import { claheSimd } from '../simd/clahe';

export interface HistEqParams {
  method: 'global' | 'adaptive';
  kernel_size: number;
  limit: number;
}

const f32 = Math.fround;

function saturate(v: number, max: number): number {
  return Math.min(max, Math.max(0, roundHalfEven(v)));
}

function equalizeGlobal(src: Uint8Array | Uint16Array, bins: number): Uint8Array | Uint16Array {
  const hist = integerHistogram(src) as Uint32Array;
  const lut = src instanceof Uint8Array ? new Uint8Array(bins) : new Uint16Array(bins);
  let i = 0;
  while (!hist[i]) i++;
  if (hist[i] === src.length) {
    // One value only: it maps to itself.
    lut.fill(i);
  } else {
    const scale = f32((bins - 1) / (src.length - hist[i]));
    let sum = 0;
    lut[i++] = 0;
    for (; i < bins; i++) {
      sum += hist[i];
      lut[i] = saturate(f32(sum * scale), bins - 1);
    }
  }
  return src instanceof Uint8Array
    ? lookupUint8(src, lut as Uint8Array)
    : lookupUint16(src, lut as Uint16Array);
}

/**
 * saturate() for float32 values v ≥ 0 below 2^31: rounds half to even and caps at top, in
 * integer arithmetic (v + 0.5 is exact; truncating it rounds half up, and at a tie clearing
 * the lowest bit gives the even neighbour). Math.round and a float modulo cost several times
 * more in this, CLAHE's innermost loop.
 */
function roundToTop(v: number, top: number): number {
  let r = (v + 0.5) | 0;
  if (r - v === 0.5) r &= ~1;
  return r > top ? top : r;
}

/**
 * What both CLAHE paths (these loops and the SIMD kernels) share: the tile geometry over the
 * image extended (reflect_101) to a multiple of the grid, as OpenCV extends it for the
 * histograms; the clip limit in counts; and per column the offsets of the left and right
 * tiles' tables and the float32 weights of the right (wx) and left (wx1) one.
 */
export interface ClaheGrid {
  th: number;
  tw: number;
  clip: number;
  lutScale: number;
  invTh: number;
  columns: Int32Array;
  left: Int32Array;
  right: Int32Array;
  wx: Float32Array;
  wx1: Float32Array;
}

function claheGrid(
  h: number,
  w: number,
  bins: number,
  tilesY: number,
  tilesX: number,
  limit: number
): ClaheGrid {
  const eh = h % tilesY === 0 ? h : h + tilesY - (h % tilesY);
  const ew = w % tilesX === 0 ? w : w + tilesX - (w % tilesX);
  const th = eh / tilesY;
  const tw = ew / tilesX;
  const area = th * tw;
  // Source column of each column of the extended image.
  const columns = new Int32Array(ew);
  for (let x = 0; x < ew; x++) columns[x] = borderIndex(x, w, 'reflect_101');
  const invTw = f32(1 / tw);
  const left = new Int32Array(w);
  const right = new Int32Array(w);
  const wx = new Float32Array(w);
  const wx1 = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const txf = f32(f32(x * invTw) - 0.5);
    const tx1 = Math.floor(txf);
    wx[x] = f32(txf - tx1);
    wx1[x] = f32(1 - wx[x]);
    left[x] = Math.max(tx1, 0) * bins;
    right[x] = Math.min(tx1 + 1, tilesX - 1) * bins;
  }
  return {
    th,
    tw,
    clip: limit > 0 ? Math.max(Math.trunc((limit * area) / bins), 1) : 0,
    lutScale: f32((bins - 1) / area),
    invTh: f32(1 / th),
    columns,
    left,
    right,
    wx,
    wx1
  };
}

/** CLAHE on one channel (h×w, values < bins), tilesY × tilesX tiles. */
function clahe(
  src: ArrayLike<number>,
  h: number,
  w: number,
  bins: number,
  tilesY: number,
  tilesX: number,
  grid: ClaheGrid,
  out: Uint8Array | Uint16Array
) {
  const { th, tw, clip, lutScale, invTh, columns } = grid;
  const { left: ind1, right: ind2, wx: xa, wx1: xa1 } = grid;
  const area = th * tw;
  // Table entries are saturated integers < bins: 16-bit storage (a quarter of float64's).
  const luts =
    bins <= 256
      ? new Uint8Array(tilesY * tilesX * bins)
      : scratchUint16('clahe.luts', tilesY * tilesX * bins); // every entry is written below
  const hist = new Int32Array(bins);
  // The tile's pixel values (borders extended): clipping and clearing visit only the bins
  // that occur, so a 65536-bin histogram costs one pass over the bins per tile, not four.
  const values = new Int32Array(area);
  const top = bins - 1;
  for (let ty = 0; ty < tilesY; ty++) {
    for (let tx = 0; tx < tilesX; tx++) {
      let n = 0;
      const x0 = tx * tw;
      for (let y = ty * th; y < (ty + 1) * th; y++) {
        const row = borderIndex(y, h, 'reflect_101') * w;
        for (let x = x0; x < x0 + tw; x++) {
          const v = src[row + columns[x]];
          values[n++] = v;
          hist[v]++;
        }
      }
      let batch = 0;
      let residual = 0;
      let step = 1;
      if (clip > 0) {
        let clipped = 0;
        for (let j = 0; j < n; j++) {
          const v = values[j];
          if (hist[v] > clip) {
            clipped += hist[v] - clip;
            hist[v] = clip;
          }
        }
        batch = Math.trunc(clipped / bins);
        residual = clipped - batch * bins;
        if (residual !== 0) step = Math.max(Math.trunc(bins / residual), 1);
      }
      // Cumulative counts: clipped histogram + the excess spread evenly (batch per bin) + one
      // more for every step-th bin from 0 while residual lasts — as OpenCV redistributes.
      const base = (ty * tilesX + tx) * bins;
      let sum = 0;
      let nextExtra = residual > 0 ? 0 : bins;
      for (let i = 0; i < bins; i++) {
        sum += hist[i] + batch;
        if (i === nextExtra) {
          sum++;
          residual--;
          nextExtra = residual > 0 ? i + step : bins;
        }
        luts[base + i] = roundToTop(f32(sum * lutScale), top);
      }
      for (let j = 0; j < n; j++) hist[values[j]] = 0;
    }
  }
  for (let y = 0; y < h; y++) {
    const tyf = f32(f32(y * invTh) - 0.5);
    let ty1 = Math.floor(tyf);
    let ty2 = ty1 + 1;
    const ya = f32(tyf - ty1);
    const ya1 = f32(1 - ya);
    ty1 = Math.max(ty1, 0);
    ty2 = Math.min(ty2, tilesY - 1);
    const p1 = ty1 * tilesX * bins;
    const p2 = ty2 * tilesX * bins;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const v = src[row + x];
      const a = f32(f32(luts[p1 + ind1[x] + v] * xa1[x]) + f32(luts[p1 + ind2[x] + v] * xa[x]));
      const b = f32(f32(luts[p2 + ind1[x] + v] * xa1[x]) + f32(luts[p2 + ind2[x] + v] * xa[x]));
      out[row + x] = roundToTop(f32(f32(a * ya1) + f32(b * ya)), top);
    }
  }
}

/** Tiles per axis for a tile edge of about kernel_size pixels. */
export function tileGrid(h: number, w: number, kernelSize: number): [number, number] {
  return [Math.max(1, Math.round(h / kernelSize)), Math.max(1, Math.round(w / kernelSize))];
}

export const histogramEqualization: ModuleDefinition<HistEqParams> = {
  name: 'histogram_equalization',
  category: 'Grayscale',
  modality: ['any'],
  dimension: 2,
  origin: 'builtin',
  description: 'Spread intensities over the full range, globally or per tile (CLAHE).',
  params: {
    type: 'object',
    properties: {
      method: {
        type: 'string',
        enum: ['global', 'adaptive'],
        default: 'global',
        description: 'global: one histogram for the image; adaptive: CLAHE on tiles.'
      },
      kernel_size: {
        type: 'integer',
        minimum: 2,
        maximum: 4096,
        default: 8,
        description:
          'Tile edge in pixels (the grid is round(H/k) × round(W/k)); adaptive method only.'
      },
      limit: {
        type: 'number',
        minimum: 0,
        maximum: 1000,
        default: 2,
        description:
          'Clip limit in multiples of the mean bin count (0: no clipping); adaptive method only.'
      }
    },
    additionalProperties: false,
    if: { required: ['method'], properties: { method: { const: 'global' } } },
    then: {
      properties: { kernel_size: { const: 8 }, limit: { const: 2 } },
      $comment: 'kernel_size and limit apply only to the adaptive method'
    }
  },
  apply(data: DataDict, { method, kernel_size, limit }) {
    requireDType(data, 'histogram_equalization', ['uint8', 'uint16']);
    const [h, w, c] = planarShape(data, 'histogram_equalization');
    if (c !== 1) {
      throw new Error(
        `histogram_equalization: expects one channel, got ${c}; add grayscale before it`
      );
    }
    const { dtype, shape } = data.image.array;
    const bins = dtype === 'uint8' ? 256 : 65536;
    const src = pixels(data, 'histogram_equalization') as Uint8Array | Uint16Array;
    if (method === 'global') {
      return withImage(data, { data: equalizeGlobal(src, bins), shape: shape.slice(), dtype });
    }
    const [ty, tx] = tileGrid(h, w, kernel_size);
    const grid = claheGrid(h, w, bins, ty, tx, limit);
    let out = claheSimd(src, h, w, bins, ty, tx, grid);
    if (!out) {
      out = allocate(dtype, src.length) as Uint8Array | Uint16Array;
      clahe(src, h, w, bins, ty, tx, grid, out);
    }
    return withImage(data, { data: out, shape: shape.slice(), dtype });
  }
};
